/** Terminal output: colour only on a TTY and without NO_COLOR; JSON on its own last line. */
const colourOn = () => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";

const codes = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;

export function paint(colour: keyof typeof codes, text: string): string {
  return colourOn() ? `\u001b[${codes[colour]}m${text}\u001b[0m` : text;
}

export function line(text = ""): void {
  process.stdout.write(`${text}\n`);
}

/** The machine-readable result: one JSON object, the last line of stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A usage error: says which value is wrong and what to do, exits 2. */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UsageError";
  }
}

export function statusColour(status: string): string {
  if (status === "SUCCEEDED") return paint("green", status);
  if (status === "FAILED") return paint("red", status);
  return paint("yellow", status);
}

/** A line for people on stderr: progress and notes that must not mix with the JSON on stdout. */
export function note(text = ""): void {
  process.stderr.write(`${text}\n`);
}
