/** What the CLI may touch, passed in so tests can run commands in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Bad input: exit code 2, nothing written to stdout. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

export const EXIT = { ok: 0, notAllowed: 1, badInput: 2 } as const;
