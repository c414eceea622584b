import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type {
  DeleteParameterCommandInput,
  DeleteParameterCommandOutput,
  DeleteParametersCommandInput,
  DeleteParametersCommandOutput,
  GetParameterCommandInput,
  GetParameterCommandOutput,
  GetParameterHistoryCommandInput,
  GetParameterHistoryCommandOutput,
  GetParametersByPathCommandInput,
  GetParametersByPathCommandOutput,
  GetParametersCommandInput,
  GetParametersCommandOutput,
  LabelParameterVersionCommandInput,
  LabelParameterVersionCommandOutput,
  Parameter,
  PutParameterCommandInput,
  PutParameterCommandOutput,
} from "@aws-sdk/client-ssm";
import type { Clock } from "../clock.js";
import { CloudFault } from "./errors.js";
import { onlyParameters, page, type Operations, type Result } from "./operations.js";

/** One version of a parameter: what PutParameter wrote, and the labels moved onto it since. */
interface StoredVersion {
  version: number;
  value: string;
  type: "String" | "SecureString" | "StringList";
  modifiedAt: number;
  labels: string[];
}

/** Parameter Store keeps the 100 newest versions of a parameter. */
const MAX_VERSIONS = 100;
/** A standard-tier value holds up to 4 KB. */
const MAX_VALUE_BYTES = 4096;
/** GetParameters and DeleteParameters take at most 10 names; GetParametersByPath pages at most 10. */
const MAX_NAMES = 10;
const MAX_PAGE = 10;
const MAX_LABELS_PER_VERSION = 10;
const NAME = /^[A-Za-z0-9_.\-/]+$/;
/** Labels: letters, digits, `.`, `-`, `_`; not starting with a digit, `aws` or `ssm`; at most 100 characters. */
const LABEL = /^(?![0-9])(?![aA][wW][sS])(?![sS][sS][mM])[A-Za-z0-9._-]{1,100}$/;

/**
 * SSM Parameter Store, as far as gantry uses it: names and hierarchies, versions (a new one per
 * overwrite, the 100 newest kept), labels, `name:version` and `name:label` selectors, SecureString
 * decryption, and pages of at most 10. A store may be kept in a file so that separate CLI runs
 * share it (`gantry config set --local`, then a local deploy); otherwise it lives in memory.
 */
export class ParameterStore {
  private readonly parameters = new Map<string, StoredVersion[]>();

  constructor(
    private readonly clock: Clock,
    private readonly file?: string,
  ) {
    if (file) this.load(file);
  }

  operations(): Operations {
    return {
      PutParameter: (input: PutParameterCommandInput) => this.put(input),
      GetParameter: (input: GetParameterCommandInput) => this.getOne(input),
      GetParameters: (input: GetParametersCommandInput) => this.getMany(input),
      GetParametersByPath: (input: GetParametersByPathCommandInput) => this.byPath(input),
      GetParameterHistory: (input: GetParameterHistoryCommandInput) => this.history(input),
      DeleteParameter: (input: DeleteParameterCommandInput) => this.deleteOne(input),
      DeleteParameters: (input: DeleteParametersCommandInput) => this.deleteMany(input),
      LabelParameterVersion: (input: LabelParameterVersionCommandInput) => this.label(input),
    };
  }

  private put(input: PutParameterCommandInput): Result<PutParameterCommandOutput> {
    onlyParameters("ssm", "PutParameter", input, ["Name", "Value", "Type", "Overwrite", "Description", "Tier", "DataType"]);
    const name = checkName(input.Name);
    if (input.Value === undefined || input.Value.length === 0) throw validation("Value", "1");
    if (Buffer.byteLength(input.Value, "utf8") > MAX_VALUE_BYTES) {
      throw new CloudFault(
        "ParameterLimitExceeded",
        `Parameter ${name} value exceeds the standard tier's limit of ${MAX_VALUE_BYTES} bytes; use the advanced tier.`,
      );
    }
    if (input.Tier !== undefined && input.Tier !== "Standard")
      throw new CloudFault("ValidationException", `Tier ${input.Tier} is not modelled locally; use Standard.`);
    const versions = this.parameters.get(name);
    const latest = versions?.at(-1);
    if (latest && !input.Overwrite)
      throw new CloudFault("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
    const type = input.Type ?? latest?.type;
    if (type === undefined) throw new CloudFault("ValidationException", "A parameter type is required when you create a parameter.");
    if (latest && input.Type !== undefined && input.Type !== latest.type) {
      throw new CloudFault("HierarchyTypeMismatchException", `The parameter type can't be changed from ${latest.type} to ${input.Type}.`);
    }
    const list = versions ?? [];
    if (list.length >= MAX_VERSIONS) {
      const oldest = list[0];
      if (oldest && oldest.labels.length > 0) {
        throw new CloudFault(
          "ParameterMaxVersionLimitExceeded",
          `You attempted to create a new version of ${name} by calling the PutParameter API with the overwrite flag. Version ${oldest.version}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`,
        );
      }
      list.shift();
    }
    const version = (latest?.version ?? 0) + 1;
    list.push({ version, value: input.Value, type, modifiedAt: this.clock.now(), labels: [] });
    this.parameters.set(name, list);
    this.save();
    return { Version: version, Tier: "Standard" };
  }

  private getOne(input: GetParameterCommandInput): Result<GetParameterCommandOutput> {
    onlyParameters("ssm", "GetParameter", input, ["Name", "WithDecryption"]);
    const { name, version } = this.select(input.Name ?? "");
    if (!version && this.parameters.has(name))
      throw new CloudFault("ParameterVersionNotFound", `Systems Manager could not find version ${input.Name?.slice(name.length + 1) ?? ""} of ${name}.`);
    if (!version) throw new CloudFault("ParameterNotFound", `Parameter ${name} not found.`);
    return { Parameter: this.shape(name, version, input.Name ?? "", Boolean(input.WithDecryption)) };
  }

  private getMany(input: GetParametersCommandInput): Result<GetParametersCommandOutput> {
    onlyParameters("ssm", "GetParameters", input, ["Names", "WithDecryption"]);
    const names = input.Names ?? [];
    if (names.length === 0 || names.length > MAX_NAMES) throw validation("Names", "1", MAX_NAMES);
    const found: Parameter[] = [];
    const invalid: string[] = [];
    for (const asked of new Set(names)) {
      const { name, version } = this.select(asked);
      if (version) found.push(this.shape(name, version, asked, Boolean(input.WithDecryption)));
      else invalid.push(asked);
    }
    return { Parameters: found, InvalidParameters: invalid };
  }

  private byPath(input: GetParametersByPathCommandInput): Result<GetParametersByPathCommandOutput> {
    onlyParameters("ssm", "GetParametersByPath", input, ["Path", "Recursive", "WithDecryption", "MaxResults", "NextToken"]);
    const path = input.Path ?? "";
    if (!path.startsWith("/")) throw new CloudFault("ValidationException", `The parameter path ${path} must begin with a forward slash (/).`);
    const limit = input.MaxResults ?? MAX_PAGE;
    if (limit < 1 || limit > MAX_PAGE) throw validation("MaxResults", "1", MAX_PAGE);
    const prefix = path.endsWith("/") ? path : `${path}/`;
    // A path names a hierarchy: without Recursive, only the parameters directly under it.
    const names = [...this.parameters.keys()].filter((name) => name.startsWith(prefix) && (input.Recursive || !name.slice(prefix.length).includes("/"))).sort();
    const result = page(names, (name) => name, limit, input.NextToken, "ValidationException");
    return {
      Parameters: result.items.map((name) => this.shape(name, this.latest(name), name, Boolean(input.WithDecryption))),
      ...(result.nextToken ? { NextToken: result.nextToken } : {}),
    };
  }

  private history(input: GetParameterHistoryCommandInput): Result<GetParameterHistoryCommandOutput> {
    onlyParameters("ssm", "GetParameterHistory", input, ["Name", "WithDecryption", "MaxResults", "NextToken"]);
    const name = input.Name ?? "";
    const versions = this.parameters.get(name);
    if (!versions) throw new CloudFault("ParameterNotFound", `Parameter ${name} not found.`);
    const limit = input.MaxResults ?? 50;
    if (limit < 1 || limit > 50) throw validation("MaxResults", "1", 50);
    const result = page(versions, (stored) => String(stored.version).padStart(3, "0"), limit, input.NextToken, "InvalidNextToken");
    return {
      Parameters: result.items.map((stored) => ({
        Name: name,
        Type: stored.type,
        Value: input.WithDecryption || stored.type !== "SecureString" ? stored.value : ciphertext(name, stored),
        Version: stored.version,
        Labels: [...stored.labels],
        LastModifiedDate: new Date(stored.modifiedAt),
        Tier: "Standard",
        DataType: "text",
      })),
      ...(result.nextToken ? { NextToken: result.nextToken } : {}),
    };
  }

  private deleteOne(input: DeleteParameterCommandInput): Result<DeleteParameterCommandOutput> {
    onlyParameters("ssm", "DeleteParameter", input, ["Name"]);
    const name = input.Name ?? "";
    if (!this.parameters.delete(name)) throw new CloudFault("ParameterNotFound", `Parameter ${name} not found.`);
    this.save();
    return {};
  }

  private deleteMany(input: DeleteParametersCommandInput): Result<DeleteParametersCommandOutput> {
    onlyParameters("ssm", "DeleteParameters", input, ["Names"]);
    const names = input.Names ?? [];
    if (names.length === 0 || names.length > MAX_NAMES) throw validation("Names", "1", MAX_NAMES);
    const deleted = names.filter((name) => this.parameters.delete(name));
    this.save();
    return { DeletedParameters: deleted, InvalidParameters: names.filter((name) => !deleted.includes(name)) };
  }

  private label(input: LabelParameterVersionCommandInput): Result<LabelParameterVersionCommandOutput> {
    onlyParameters("ssm", "LabelParameterVersion", input, ["Name", "ParameterVersion", "Labels"]);
    const name = input.Name ?? "";
    const versions = this.parameters.get(name);
    if (!versions) throw new CloudFault("ParameterNotFound", `Parameter ${name} not found.`);
    const target = input.ParameterVersion === undefined ? versions.at(-1) : versions.find((stored) => stored.version === input.ParameterVersion);
    if (!target) throw new CloudFault("ParameterVersionNotFound", `Version ${String(input.ParameterVersion)} of parameter ${name} not found.`);
    const labels = input.Labels ?? [];
    const invalid = labels.filter((label) => !LABEL.test(label));
    const valid = labels.filter((label) => LABEL.test(label));
    // A label names one version of a parameter: attaching it elsewhere moves it.
    for (const other of versions) other.labels = other.labels.filter((label) => other === target || !valid.includes(label));
    const merged = [...new Set([...target.labels, ...valid])];
    if (merged.length > MAX_LABELS_PER_VERSION)
      throw new CloudFault("ParameterVersionLabelLimitExceeded", `A parameter version can have at most ${MAX_LABELS_PER_VERSION} labels.`);
    target.labels = merged;
    this.save();
    return { InvalidLabels: invalid, ParameterVersion: target.version };
  }

  /** `name`, `name:3` or `name:label` → the version it selects, if any. */
  private select(asked: string): { name: string; version?: StoredVersion } {
    const colon = asked.lastIndexOf(":");
    const name = colon > 0 ? asked.slice(0, colon) : asked;
    const selector = colon > 0 ? asked.slice(colon + 1) : undefined;
    const versions = this.parameters.get(name);
    if (!versions) return { name };
    if (selector === undefined) return { name, ...(versions.at(-1) ? { version: versions.at(-1) } : {}) };
    const found = /^\d+$/.test(selector)
      ? versions.find((stored) => stored.version === Number(selector))
      : versions.find((stored) => stored.labels.includes(selector));
    return { name, ...(found ? { version: found } : {}) };
  }

  private latest(name: string): StoredVersion {
    const latest = this.parameters.get(name)?.at(-1);
    if (!latest) throw new CloudFault("ParameterNotFound", `Parameter ${name} not found.`);
    return latest;
  }

  private shape(name: string, stored: StoredVersion, asked: string, decrypt: boolean): Parameter {
    const selector = asked.length > name.length ? asked.slice(name.length) : undefined;
    return {
      Name: name,
      Type: stored.type,
      Value: decrypt || stored.type !== "SecureString" ? stored.value : ciphertext(name, stored),
      Version: stored.version,
      ...(selector ? { Selector: selector } : {}),
      LastModifiedDate: new Date(stored.modifiedAt),
      ARN: `arn:aws:ssm:local:000000000000:parameter${name.startsWith("/") ? "" : "/"}${name}`,
      DataType: "text",
    };
  }

  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return;
    }
    const saved = JSON.parse(text) as Record<string, StoredVersion[]>;
    for (const [name, versions] of Object.entries(saved)) this.parameters.set(name, versions);
  }

  /** Written whole to a temporary file, then renamed over the old one: a reader sees the old store or the new one. */
  private save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(Object.fromEntries(this.parameters)), { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}

function checkName(name: string | undefined): string {
  if (!name || !NAME.test(name) || name.length > 1011) {
    throw new CloudFault(
      "ValidationException",
      `Parameter name: "${name ?? ""}" can't be prefixed with "aws" or "ssm" (case-insensitive) and must be letters, numbers and _.-/ only.`,
    );
  }
  if (name.split("/").length - 1 > 15) throw new CloudFault("HierarchyLevelLimitExceededException", `Parameter ${name} has more than 15 levels of hierarchy.`);
  return name;
}

function validation(field: string, min: string, max?: number): CloudFault {
  return new CloudFault(
    "ValidationException",
    `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length or value between ${min} and ${max ?? "its maximum"}.`,
  );
}

/** What a SecureString reads as without WithDecryption: opaque, as KMS ciphertext is, and never the value. */
function ciphertext(name: string, stored: StoredVersion): string {
  return `AQICAH${createHash("sha256").update(`${name}:${stored.version}:${stored.modifiedAt}`).digest("base64")}`;
}
