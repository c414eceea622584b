#!/bin/bash
# gantry instance bootstrap: user data for an Auto Scaling group's launch template.
#
# At boot, the instance learns which release to run from its own `gantry:release` tag (the
# group's tag, which gantry sets before each batch and Auto Scaling propagates at launch),
# installs gantry-deploy (the copy below) with its settings, writes the systemd unit that runs
# /srv/<app>/current, and runs `gantry-deploy <release>`: it fetches the release from
# s3://$GANTRY_BUCKET/<app>/<env>/<release>/ (slug.tgz, and env: the SSM parameter versions the
# release pins), switches `current` to it, starts the unit and waits for /health. In-place
# deploys run the same command through SSM Run Command. Logs carry the tag `<app>-<env>/<instance-id>`.
#
# Needs: bash, curl, the AWS CLI, systemd, tar, flock. The instance profile needs s3:GetObject on
# the bucket's <app>/<env>/ prefix, ssm:GetParameters on parameter/gantry/<app>/<env>/*, and
# ec2:DescribeTags only if instance tags are not enabled in the instance metadata (launch
# template: MetadataOptions InstanceMetadataTags=enabled). See README.md.
set -euo pipefail

# Set these in the launch template's copy of the script (or export them before it runs).
GANTRY_BUCKET="${GANTRY_BUCKET:-my-slug-bucket}"
GANTRY_APP="${GANTRY_APP:-hello}"
GANTRY_ENV="${GANTRY_ENV:-prod}"
# Everything is written under this root; "/" on an instance, a temp dir in tests.
GANTRY_ROOT="${GANTRY_ROOT:-}"
IMDS="${GANTRY_IMDS:-http://169.254.169.254}"

log() { echo "gantry-bootstrap: $*" >&2; }
fail() { log "$*"; exit 1; }

# IMDSv2: a session token first, then every metadata read carries it.
token="$(curl -sf -X PUT "$IMDS/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")" || fail "cannot get an IMDSv2 token from $IMDS"
metadata() { curl -sf -H "X-aws-ec2-metadata-token: $token" "$IMDS/latest/meta-data/$1"; }

instance_id="$(metadata instance-id)" || fail "cannot read the instance id from the instance metadata"
region="$(metadata placement/region)" || fail "cannot read the region from the instance metadata"

# The release tag: from the metadata when instance tags are exposed there, else DescribeTags.
release="$(metadata tags/instance/gantry:release || true)"
if [ -z "$release" ]; then
  release="$(aws ec2 describe-tags --region "$region" \
    --filters "Name=resource-id,Values=$instance_id" "Name=key,Values=gantry:release" \
    --query 'Tags[0].Value' --output text)" || fail "cannot read the tags of $instance_id (does the instance profile allow ec2:DescribeTags?)"
fi
if [ -z "$release" ] || [ "$release" = "None" ]; then
  fail "instance $instance_id has no gantry:release tag: tag the Auto Scaling group with gantry:release (PropagateAtLaunch=true)"
fi

log_tag="$GANTRY_APP-$GANTRY_ENV/$instance_id"
service="gantry-$GANTRY_APP-$GANTRY_ENV"
app_root="$GANTRY_ROOT/srv/$GANTRY_APP"
deploy="$GANTRY_ROOT/usr/local/bin/gantry-deploy"
log "$log_tag: installing gantry-deploy, then release $release"

# gantry-deploy, verbatim: examples/instance-bootstrap/gantry-deploy is the copy to edit (user
# data is one file, so the bootstrap carries it; a test keeps the two identical).
mkdir -p "${deploy%/*}" "$GANTRY_ROOT/etc/gantry"
cat > "$deploy" <<'GANTRY_DEPLOY_SCRIPT'
#!/bin/bash
# gantry-deploy <release>: installs a release on this instance, switches `current` to it, restarts
# the app and waits for /health; if the release does not come up, switches back. gantry runs it
# through SSM Run Command for in-place deploys; the bootstrap (user-data.sh) installs it and runs
# it at first boot. Exit codes, environment and on-disk layout: examples/instance-bootstrap/README.md.
# Exits 0 healthy; 1 not installed, nothing switched; 2 bad usage or id; 3 unhealthy, switched back;
# 4 unhealthy and nothing to switch back to (or it failed too).
set -euo pipefail

GANTRY_ROOT="${GANTRY_ROOT:-}"
wait_seconds="${GANTRY_DEPLOY_WAIT_SECONDS:-60}"
keep="${GANTRY_DEPLOY_KEEP:-5}"
conf="$GANTRY_ROOT/etc/gantry/deploy.conf"

say() { echo "gantry-deploy: $*"; }
warn() { echo "gantry-deploy: $*" >&2; }
fail() { local code="$1"; shift; warn "$*"; exit "$code"; }

[ "$#" -eq 1 ] || fail 2 "usage: gantry-deploy <release> (the first 12 lowercase hex characters of the commit, optionally -c<N>)"
release="$1"
# gantry's one release-id rule: the first 12 lowercase hex characters of the commit, and for a
# configuration release of that commit's slug its generation (-c<N>). Anything else (a release
# number such as v3, a path) is refused before it reaches a URL or a file name.
if ! [[ "$release" =~ ^[0-9a-f]{12}(-c[1-9][0-9]{0,5})?$ ]]; then
  fail 2 "\"$release\" is not a release id (the first 12 lowercase hex characters of the commit, optionally -c<N>)"
fi
[[ "$wait_seconds" =~ ^[0-9]+$ ]] || fail 2 "GANTRY_DEPLOY_WAIT_SECONDS=\"$wait_seconds\" is not a number of seconds"
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || fail 2 "GANTRY_DEPLOY_KEEP=\"$keep\" is not a positive number of releases"

[ -r "$conf" ] || fail 1 "cannot read $conf, which gantry's bootstrap writes at first boot: was this instance booted with examples/instance-bootstrap/user-data.sh?"
# shellcheck source=/dev/null
. "$conf"
: "${GANTRY_BUCKET:?set in $conf}" "${GANTRY_APP:?set in $conf}" "${GANTRY_ENV:?set in $conf}" "${GANTRY_REGION:?set in $conf}"

service="gantry-$GANTRY_APP-$GANTRY_ENV.service"
app_root="$GANTRY_ROOT/srv/$GANTRY_APP"
releases="$app_root/releases"
release_dir="$releases/$release"
mkdir -p "$releases"

# One deploy at a time: SSM may deliver a command again, and gantry may retry a timed-out one.
exec 9> "$app_root/.deploy.lock"
flock -n 9 || fail 1 "another gantry-deploy is running on this instance"

# The pinned parameters, decrypted, as an EnvironmentFile: `NAME="value"` with \ " $ ` escaped.
# GetParameters takes 10 names a call; any selector SSM does not return (a version deleted, a
# parameter removed) fails the deploy, naming it, rather than start the app with a variable missing.
write_environment() {
  local pins="$1" target="$2" prefix="/gantry/$GANTRY_APP/$GANTRY_ENV/env/"
  local -a selectors=()
  local selector
  while IFS= read -r selector || [ -n "$selector" ]; do
    [ -z "$selector" ] && continue
    case "$selector" in
      "$prefix"*:*) selectors+=("$selector") ;;
      *) fail 1 "release $release's env line \"$selector\" is not an SSM selector under $prefix (<name>:<version>)" ;;
    esac
  done < "$pins"
  (umask 077 && : > "$target")
  local start row name value
  for ((start = 0; start < ${#selectors[@]}; start += 10)); do
    local -a batch=("${selectors[@]:start:10}")
    local answer
    answer="$(aws ssm get-parameters --region "$GANTRY_REGION" --with-decryption --names "${batch[@]}" \
      --query 'Parameters[].[Name,Value]' --output text)" || fail 1 "cannot read ${batch[*]} from SSM (does the instance profile allow ssm:GetParameters on them?)"
    local -a got=()
    while IFS= read -r row; do
      [ -z "$row" ] && continue
      name="${row%%$'\t'*}"
      value="${row#*$'\t'}"
      got+=("$name")
      value="${value//\\/\\\\}"; value="${value//\"/\\\"}"; value="${value//\$/\\\$}"; value="${value//\`/\\\`}"
      printf '%s="%s"\n' "${name#"$prefix"}" "$value" >> "$target"
    done <<< "$answer"
    for selector in "${batch[@]}"; do
      [[ " ${got[*]} " == *" ${selector%:*} "* ]] || fail 1 "SSM has no $selector, which release $release pins: set the variable again (gantry config set) and deploy the new release"
    done
  done
}

# Builds the release in a staging directory and renames it into place last, so a directory under
# releases/ is always complete: an interrupted install leaves only staging, removed on exit.
install_release() {
  local source="s3://$GANTRY_BUCKET/$GANTRY_APP/$GANTRY_ENV/$release"
  say "installing release $release from $source/"
  staging="$(mktemp -d "$app_root/.staging.XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  aws s3 cp --region "$GANTRY_REGION" --only-show-errors "$source/slug.tgz" "$staging/slug.tgz" || fail 1 "cannot fetch $source/slug.tgz"
  aws s3 cp --region "$GANTRY_REGION" --only-show-errors "$source/env" "$staging/pins" || fail 1 "cannot fetch $source/env"
  mkdir "$staging/release"
  tar -xzf "$staging/slug.tgz" -C "$staging/release" || fail 1 "cannot unpack $source/slug.tgz"
  [ ! -e "$staging/release/.gantry" ] || fail 1 "release $release's slug has a .gantry entry at its root, where gantry-deploy writes the release's environment"
  local web
  web="$(sed -n 's/^web:[[:space:]]*//p' "$staging/release/Procfile" 2>/dev/null | head -n 1)"
  [ -n "$web" ] || fail 1 "release $release has no 'web:' line in its Procfile"
  mkdir -m 0700 "$staging/release/.gantry"
  write_environment "$staging/pins" "$staging/release/.gantry/env"
  # The unit runs this through `current`, so the command and RELEASE switch with the symlink.
  printf '# %s, from its Procfile web line\nexport RELEASE=%q\nexec %s\n' "$release" "$release" "$web" > "$staging/release/.gantry/web"
  mv -T "$staging/release" "$release_dir"
}

# Points `name` at releases/<id>: a new symlink renamed over the old one, so readers see one or the other.
point() {
  ln -sfn "releases/$2" "$app_root/.$1.next"
  mv -T "$app_root/.$1.next" "$app_root/$1"
}

port() {
  local value
  value="$(sed -n 's/^PORT="\([0-9]*\)"$/\1/p' "$releases/$1/.gantry/env" | tail -n 1)"
  # No PORT pinned: the app listens where the fleet's target group sends traffic by default.
  echo "${value:-8080}"
}

# Restarts the unit and waits until the release answers /health with 200, at most wait_seconds.
start_and_wait() {
  local id="$1" url code="" deadline
  url="http://127.0.0.1:$(port "$id")/health"
  systemctl restart "$service" || { warn "systemctl restart $service failed"; return 1; }
  deadline=$((SECONDS + wait_seconds))
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)"
    if [ "$code" = 200 ]; then
      say "release $id answers $url with 200"
      return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep 1
  done
  warn "release $id did not answer $url with 200 within ${wait_seconds}s (last answer: ${code:-none})"
  if command -v journalctl > /dev/null; then
    warn "last lines of journalctl -u $service:"
    journalctl -u "$service" -n 20 --no-pager 2>&1 | sed 's/^/gantry-deploy:   /' >&2 || true
  fi
  return 1
}

# Keeps `current`, `previous` and the newest other releases by last deploy (the directory's
# mtime), `keep` in all.
prune() {
  local current previous room id
  current="$(basename "$(readlink "$app_root/current")")"
  previous="$(basename "$(readlink "$app_root/previous" 2>/dev/null || true)")"
  room=$((keep - 1))
  [ -z "$previous" ] || [ "$previous" = "$current" ] || room=$((room - 1))
  while read -r _ id; do
    if [ "$id" = "$current" ] || [ "$id" = "$previous" ]; then continue; fi
    if [ "$room" -gt 0 ]; then
      room=$((room - 1))
      continue
    fi
    rm -rf "${releases:?}/$id"
    say "removed release $id (keeping $keep)"
  done < <(find "$releases" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %f\n' | sort -rn)
}

if [ -f "$release_dir/.gantry/web" ]; then
  say "release $release is already on disk: reusing $release_dir"
else
  # Not laid out by gantry-deploy (an older bootstrap's, or a hand-made copy): install it afresh.
  rm -rf "$release_dir"
  install_release
fi

old="$(basename "$(readlink "$app_root/current" 2>/dev/null || true)")"
touch "$release_dir"
point current "$release"
say "current -> releases/$release${old:+ (was $old)}; restarting $service"

if start_and_wait "$release"; then
  if [ -n "$old" ] && [ "$old" != "$release" ]; then point previous "$old"; fi
  prune
  say "deployed release $release"
  exit 0
fi

if [ -z "$old" ] || [ "$old" = "$release" ] || [ ! -d "$releases/$old" ]; then
  fail 4 "release $release is not healthy and there is no other release to switch back to: $service is not serving"
fi
warn "switching current back to release $old and restarting $service"
point current "$old"
if start_and_wait "$old"; then
  fail 3 "release $release is not healthy; release $old runs again"
fi
fail 4 "release $release is not healthy, and release $old did not come back either: $service is not serving"
GANTRY_DEPLOY_SCRIPT
chmod 0755 "$deploy"
printf 'GANTRY_BUCKET=%q\nGANTRY_APP=%q\nGANTRY_ENV=%q\nGANTRY_REGION=%q\n' "$GANTRY_BUCKET" "$GANTRY_APP" "$GANTRY_ENV" "$region" > "$GANTRY_ROOT/etc/gantry/deploy.conf"

# The unit runs whatever `current` points at: its directory, its environment, its Procfile's web
# line (.gantry/web, which sets RELEASE), so a deploy is a symlink switch and a restart.
unit_dir="$GANTRY_ROOT/etc/systemd/system"
mkdir -p "$unit_dir"
cat > "$unit_dir/$service.service" <<UNIT
[Unit]
Description=$GANTRY_APP ($GANTRY_ENV): the release $app_root/current points at, deployed by gantry
After=network-online.target
Wants=network-online.target

[Service]
WorkingDirectory=$app_root/current
EnvironmentFile=$app_root/current/.gantry/env
Environment=INSTANCE_ID=$instance_id
ExecStart=/bin/sh $app_root/current/.gantry/web
Restart=always
RestartSec=2
# The load balancer drains before the instance stops; give in-flight requests that long.
TimeoutStopSec=30
SyslogIdentifier=$log_tag
LogExtraFields=GANTRY_APP=$GANTRY_APP GANTRY_ENV=$GANTRY_ENV

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload

"$deploy" "$release" || fail "release $release (the gantry:release tag of $instance_id) did not deploy: see gantry-deploy's lines above"
systemctl enable "$service.service"
log "$log_tag: $service.service runs release $release"
