import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { closeLocalDynamo, ensureLocalDynamo, saveLocalDynamo } from "../../local/dynamo-session.js";

const root = mkdtempSync(join(tmpdir(), "gantry-dynamo-session-"));
const path = join(root, "dynamo.json");
afterAll(async () => {
  await closeLocalDynamo();
  rmSync(root, { recursive: true, force: true });
});

describe("local DynamoDB session", () => {
  it("saves while the process runs, one save after another, leaving a whole table and no file aside", async () => {
    const { documents, tableName } = await ensureLocalDynamo({ persistTo: path });
    await documents.send(new PutCommand({ TableName: tableName, Item: { pk: "hello#prod", sk: "release#1", release: "a1f3c9e07b24" } }));

    const first = saveLocalDynamo();
    await documents.send(new PutCommand({ TableName: tableName, Item: { pk: "hello#prod", sk: "release#2", release: "b7d2e4f01c68" } }));
    await Promise.all([first, saveLocalDynamo()]);

    const saved = JSON.parse(readFileSync(path, "utf8")) as { sk: string }[];
    expect(saved.map((item) => item.sk).sort()).toEqual(["release#1", "release#2"]);
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });
});
