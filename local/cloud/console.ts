import type { GetConsoleOutputCommandInput, GetConsoleOutputCommandOutput } from "@aws-sdk/client-ec2";
import { CloudFault } from "./errors.js";
import type { Fleet } from "./fleet.js";
import { onlyParameters, type Operations, type Result } from "./operations.js";

/** EC2 keeps the most recent 64 KB of an instance's serial console output (GetConsoleOutput API reference). */
const CONSOLE_BYTES = 64 * 1024;

/**
 * EC2 GetConsoleOutput: the instance's console as its driver tells it (a process instance: its
 * app's output; a virtual one: a few synthetic boot lines), base64-encoded as EC2 answers it,
 * the last 64 KB. `Latest` is accepted (Nitro instances answer the latest output with it); the
 * model has only the latest. An instance with nothing written yet answers no `Output`, as EC2
 * does for an instance that has just launched. Terminated instances answer while EC2 lists them.
 */
export function consoleOperations(fleet: Fleet): Operations {
  return {
    GetConsoleOutput(input: GetConsoleOutputCommandInput): Result<GetConsoleOutputCommandOutput> {
      onlyParameters("ec2", "GetConsoleOutput", input, ["InstanceId", "Latest"]);
      const instance = fleet.instances.get(input.InstanceId ?? "");
      if (!instance) throw new CloudFault("InvalidInstanceID.NotFound", `The instance ID '${input.InstanceId ?? ""}' does not exist`);
      const now = fleet.clock.now();
      const lines = fleet.driver.consoleOutput?.(instance, now) ?? [];
      const text = lines.length > 0 ? `${lines.join("\r\n")}\r\n` : "";
      const bytes = Buffer.from(text, "utf8");
      const tail = bytes.subarray(Math.max(0, bytes.length - CONSOLE_BYTES));
      return { InstanceId: instance.instanceId, Timestamp: new Date(now), ...(tail.length > 0 ? { Output: tail.toString("base64") } : {}) };
    },
  };
}
