#!/bin/bash
# gantry instance bootstrap: user data for an Auto Scaling group's launch template.
#
# At boot, the instance learns which release to run from its own `gantry:release` tag (the
# group's tag, which gantry sets before each batch and Auto Scaling propagates at launch),
# fetches that release from S3, writes a systemd unit from the release's Procfile `web:` line
# and starts it. Logs carry the tag `<app>-<env>/<instance-id>`.
#
# S3 layout, one prefix per release (a Heroku-style slug store):
#   s3://$GANTRY_BUCKET/<app>/<env>/<release>/slug.tgz   the app, with a Procfile at its root
#   s3://$GANTRY_BUCKET/<app>/<env>/<release>/env        the release's environment: one SSM selector
#                                                        per line, /gantry/<app>/<env>/env/<NAME>:<version>
# The values live only in SSM Parameter Store (SecureStrings); the instance reads the versions
# its release pinned, so a rollback boots the configuration it had, whatever was set since, and
# writes them to a systemd EnvironmentFile only root can read (mode 0600).
#
# Needs: bash, curl, the AWS CLI, systemd, tar. The instance profile needs s3:GetObject on the
# bucket's <app>/<env>/ prefix, ssm:GetParameters on parameter/gantry/<app>/<env>/* (the
# default aws/ssm key decrypts for any principal SSM lets read), and ec2:DescribeTags only if
# instance tags are not enabled in the instance metadata (launch template: MetadataOptions
# InstanceMetadataTags=enabled).
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
# gantry's one release-id rule: the first 12 lowercase hex characters of the commit, and for a
# configuration release of that commit's slug its generation (-c<N>). Anything else (a release
# number such as v3, a path) is refused before it reaches a URL or a file name.
if ! [[ "$release" =~ ^[0-9a-f]{12}(-c[1-9][0-9]{0,5})?$ ]]; then
  fail "gantry:release \"$release\" is not a release id (the first 12 lowercase hex characters of the commit, optionally -c<N>)"
fi

# The pinned parameters, decrypted, as an EnvironmentFile: `NAME="value"` with \ " $ ` escaped.
# GetParameters takes 10 names a call; any selector SSM does not return (a version deleted, a
# parameter removed) fails the boot, naming it, rather than start the app with a variable missing.
write_environment() {
  local pins="$1" target="$2" prefix="/gantry/$GANTRY_APP/$GANTRY_ENV/env/"
  local -a selectors=()
  local selector
  while IFS= read -r selector || [ -n "$selector" ]; do
    [ -z "$selector" ] && continue
    case "$selector" in
      "$prefix"*:*) selectors+=("$selector") ;;
      *) fail "release $release's env line \"$selector\" is not an SSM selector under $prefix (<name>:<version>)" ;;
    esac
  done < "$pins"
  local partial="$target.partial"
  (umask 077 && : > "$partial")
  local start row name value
  for ((start = 0; start < ${#selectors[@]}; start += 10)); do
    local -a batch=("${selectors[@]:start:10}")
    local answer
    answer="$(aws ssm get-parameters --region "$region" --with-decryption --names "${batch[@]}" \
      --query 'Parameters[].[Name,Value]' --output text)" || fail "cannot read ${batch[*]} from SSM (does the instance profile allow ssm:GetParameters on them?)"
    local -a got=()
    while IFS= read -r row; do
      [ -z "$row" ] && continue
      name="${row%%$'\t'*}"
      value="${row#*$'\t'}"
      got+=("$name")
      value="${value//\\/\\\\}"; value="${value//\"/\\\"}"; value="${value//\$/\\\$}"; value="${value//\`/\\\`}"
      printf '%s="%s"\n' "${name#"$prefix"}" "$value" >> "$partial"
    done <<< "$answer"
    for selector in "${batch[@]}"; do
      [[ " ${got[*]} " == *" ${selector%:*} "* ]] || fail "SSM has no $selector, which release $release pins: set the variable again (gantry config set) and deploy the new release"
    done
  done
  mv -f "$partial" "$target"
}

log_tag="$GANTRY_APP-$GANTRY_ENV/$instance_id"
service="gantry-$GANTRY_APP-$GANTRY_ENV"
app_root="$GANTRY_ROOT/srv/$GANTRY_APP"
release_dir="$app_root/releases/$release"
source="s3://$GANTRY_BUCKET/$GANTRY_APP/$GANTRY_ENV/$release"
log "$log_tag: installing release $release from $source/"

mkdir -p "$release_dir"
aws s3 cp --region "$region" --only-show-errors "$source/slug.tgz" "$release_dir.tgz" || fail "cannot fetch $source/slug.tgz"
aws s3 cp --region "$region" --only-show-errors "$source/env" "$release_dir.pins" || fail "cannot fetch $source/env"
write_environment "$release_dir.pins" "$app_root/$release.env"
rm -f "$release_dir.pins"
tar -xzf "$release_dir.tgz" -C "$release_dir"
rm -f "$release_dir.tgz"
ln -sfn "$release_dir" "$app_root/current"

web="$(sed -n 's/^web:[[:space:]]*//p' "$release_dir/Procfile" 2>/dev/null | head -n 1)"
[ -n "$web" ] || fail "release $release has no 'web:' line in its Procfile"

unit_dir="$GANTRY_ROOT/etc/systemd/system"
mkdir -p "$unit_dir"
cat > "$unit_dir/$service.service" <<UNIT
[Unit]
Description=$GANTRY_APP ($GANTRY_ENV) release $release, started by gantry's bootstrap
After=network-online.target
Wants=network-online.target

[Service]
WorkingDirectory=$app_root/current
EnvironmentFile=$app_root/$release.env
Environment=RELEASE=$release
Environment=INSTANCE_ID=$instance_id
ExecStart=/bin/sh -c 'exec $web'
Restart=always
RestartSec=2
# The load balancer drains before the instance stops; give in-flight requests that long.
TimeoutStopSec=30
SyslogIdentifier=$log_tag
LogExtraFields=GANTRY_APP=$GANTRY_APP GANTRY_ENV=$GANTRY_ENV GANTRY_RELEASE=$release

[Install]
WantedBy=multi-user.target
UNIT

systemctl daemon-reload
systemctl enable --now "$service.service"
log "$log_tag: $service.service started on release $release"
