import { CloudFault } from "./errors.js";
import type { Ids } from "./ids.js";
import type { LaunchTemplateRecord, LaunchTemplateVersionRecord } from "./model.js";

/** How a request names a template: by id or by name, as the EC2 and Auto Scaling APIs allow. */
export interface TemplateRef {
  LaunchTemplateId?: string;
  LaunchTemplateName?: string;
}

/** Launch templates and their numbered versions; only the image id is modelled. */
export class LaunchTemplates {
  private readonly byId = new Map<string, LaunchTemplateRecord>();

  constructor(private readonly ids: Ids) {}

  /** Creates a template whose version 1 (also its default) boots `imageId`. */
  create(name: string, imageId: string, at: number): LaunchTemplateRecord {
    if ([...this.byId.values()].some((t) => t.name === name)) {
      throw new CloudFault("InvalidLaunchTemplateName.AlreadyExistsException", `Launch template name already in use: ${name}.`);
    }
    const record: LaunchTemplateRecord = {
      id: this.ids.launchTemplate(),
      name,
      defaultVersion: 1,
      latestVersion: 1,
      versions: new Map([[1, { number: 1, imageId, createdAt: at }]]),
    };
    this.byId.set(record.id, record);
    return record;
  }

  /** The template `ref` names, or the error EC2 gives for an unknown id or name. */
  find(ref: TemplateRef): LaunchTemplateRecord {
    if (ref.LaunchTemplateId !== undefined) {
      const record = this.byId.get(ref.LaunchTemplateId);
      if (record) return record;
      throw new CloudFault("InvalidLaunchTemplateId.NotFound", `The specified launch template, with template ID ${ref.LaunchTemplateId}, does not exist.`);
    }
    const record = [...this.byId.values()].find((t) => t.name === ref.LaunchTemplateName);
    if (record) return record;
    throw new CloudFault(
      "InvalidLaunchTemplateName.NotFoundException",
      `The specified launch template, with template name ${ref.LaunchTemplateName ?? "(none)"}, does not exist.`,
    );
  }

  /** Resolves "$Latest", "$Default" or a number to a stored version. */
  version(template: LaunchTemplateRecord, version: string | undefined): LaunchTemplateVersionRecord {
    const number = version === "$Latest" ? template.latestVersion : version === undefined || version === "$Default" ? template.defaultVersion : Number(version);
    const record = template.versions.get(number);
    if (record) return record;
    throw new CloudFault(
      "InvalidLaunchTemplateId.VersionNotFound",
      `Could not find launch template version ${version ?? "$Default"} for launch template ${template.id}.`,
    );
  }

  /** Adds the next version: `imageId` if given, else the source version's image. */
  addVersion(
    template: LaunchTemplateRecord,
    source: string | undefined,
    imageId: string | undefined,
    description: string | undefined,
    at: number,
  ): LaunchTemplateVersionRecord {
    const base = source === undefined ? undefined : this.version(template, source);
    const resolvedImage = imageId ?? base?.imageId;
    if (resolvedImage === undefined) {
      throw new CloudFault("MissingParameter", "The request must contain the parameter ImageId.");
    }
    const record: LaunchTemplateVersionRecord = {
      number: template.latestVersion + 1,
      imageId: resolvedImage,
      createdAt: at,
      ...(description === undefined ? {} : { description }),
    };
    template.versions.set(record.number, record);
    template.latestVersion = record.number;
    return record;
  }
}
