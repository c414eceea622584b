import { describe, expect, it } from "vitest";
import { InvalidConfigChangeError, InvalidVariableNameError } from "../../../../functions/core/errors.js";
import {
  checkVariableName,
  parameterName,
  parseAssignments,
  parseUnsetNames,
  planConfigWrite,
  variableOf,
} from "../../../../functions/core/releases/environment.js";

describe("checkVariableName", () => {
  it("accepts names a shell and systemd's EnvironmentFile accept", () => {
    for (const name of ["GREETING", "_private", "db_URL_2", "a"]) expect(() => checkVariableName(name)).not.toThrow();
  });

  it("rejects a name starting with a digit, with a dash, a dot or a space, naming it and the rule", () => {
    for (const name of ["1FOO", "MY-VAR", "a.b", "A B", ""]) {
      expect(() => checkVariableName(name)).toThrow(InvalidVariableNameError);
      expect(() => checkVariableName(name)).toThrow(
        `"${name}" is not a valid environment variable name: use letters, digits and underscores, not starting with a digit (^[A-Za-z_][A-Za-z0-9_]*$).`,
      );
    }
  });

  it("rejects RELEASE and INSTANCE_ID, which the bootstrap sets and an EnvironmentFile would override", () => {
    expect(() => checkVariableName("RELEASE")).toThrow(/set by gantry's bootstrap .*choose another name/);
    expect(() => checkVariableName("INSTANCE_ID")).toThrow(InvalidVariableNameError);
  });
});

describe("parseAssignments", () => {
  it("splits each argument at its first =, so values may hold = themselves", () => {
    expect(parseAssignments(["GREETING=hi", "DATABASE_URL=postgres://u:p@h/db?a=b"])).toEqual([
      { name: "GREETING", value: "hi" },
      { name: "DATABASE_URL", value: "postgres://u:p@h/db?a=b" },
    ]);
  });

  it("rejects an argument without =, an empty value, a name given twice and a multi-line value, never echoing the value", () => {
    expect(() => parseAssignments(["GREETING"])).toThrow('"GREETING" is not KEY=VALUE: write GREETING=<value> (gantry config unset removes a variable).');
    expect(() => parseAssignments(["TOKEN="])).toThrow("TOKEN has an empty value, which SSM Parameter Store cannot hold: unset TOKEN instead.");
    expect(() => parseAssignments(["A=1", "A=2"])).toThrow("A is given twice");
    expect(() => parseAssignments(["TOKEN=s3cr3t\nline"])).toThrow(InvalidConfigChangeError);
    expect(() => parseAssignments(["TOKEN=s3cr3t\nline"])).not.toThrow(/s3cr3t/);
    expect(() => parseAssignments(["BIG=" + "x".repeat(4097)])).toThrow("BIG's value is over 4096 bytes");
    expect(() => parseAssignments(["9LIVES=x"])).toThrow(InvalidVariableNameError);
    expect(() => parseAssignments([])).toThrow(/Nothing to set/);
  });
});

describe("parseUnsetNames", () => {
  it("takes valid names once each and rejects bad ones", () => {
    expect(parseUnsetNames(["A", "B"])).toEqual(["A", "B"]);
    expect(() => parseUnsetNames(["A=1"])).toThrow(InvalidVariableNameError);
    expect(() => parseUnsetNames([])).toThrow(/Nothing to unset/);
  });
});

describe("parameterName and variableOf", () => {
  it("keep one SSM parameter per variable under /gantry/<app>/<env>/env/", () => {
    expect(parameterName("hello", "prod", "GREETING")).toBe("/gantry/hello/prod/env/GREETING");
    expect(variableOf("hello", "prod", "/gantry/hello/prod/env/GREETING")).toBe("GREETING");
    expect(variableOf("hello", "prod", "/gantry/hello/prod/env/deeper/X")).toBeUndefined();
    expect(variableOf("hello", "prod", "/gantry/hello/staging/env/GREETING")).toBeUndefined();
  });
});

describe("planConfigWrite", () => {
  const current = { GREETING: { value: "hi", version: 3 }, TOKEN: { value: "t", version: 1 } };

  it("writes only values that change, and removes what is unset", () => {
    const plan = planConfigWrite(
      current,
      {
        set: [
          { name: "GREETING", value: "hi" },
          { name: "NEW", value: "1" },
        ],
        unset: ["TOKEN"],
      },
      "hello/prod",
    );

    expect(plan).toEqual({ put: [{ name: "NEW", value: "1" }], remove: ["TOKEN"], unchanged: ["GREETING"] });
  });

  it("rejects unsetting a variable that is not set, naming it, before anything is written", () => {
    expect(() => planConfigWrite(current, { unset: ["NOPE", "TOKEN"] }, "hello/prod")).toThrow("NOPE is not set for hello/prod: nothing was changed.");
  });
});
