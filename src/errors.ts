// Typed errors: each carries what its message needs, never a secret value.
// main() in cli.ts is the only place that prints them and picks the exit status.

const BRAND = Symbol.for('awsenv.error');

export class AwsenvError extends Error {
  /** Exit status: 1 failure, 2 usage error (CONTRACT.md "Exit status"). */
  readonly exitCode: number = 1;
  readonly [BRAND] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  // The lazily loaded parts of the CLI (dist/lazy/*.mjs) carry their own copy of this
  // class; a brand lets `instanceof AwsenvError` hold across copies. Subclasses keep the
  // ordinary prototype check.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== AwsenvError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}

export class UsageError extends AwsenvError {
  override readonly exitCode = 2;
}

/** A malformed or unreadable file: names the file, and the line when there is one. */
export class ConfigError extends AwsenvError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${problem}`, options);
  }
}

export class ProfileNotFound extends AwsenvError {
  constructor(
    readonly profile: string,
    readonly closest: string[],
    /** How many profiles exist at all. */
    known: number,
  ) {
    const hint =
      closest.length > 0
        ? `; did you mean ${closest.map((n) => `'${n}'`).join(', ')}?`
        : known > 0
          ? '; `awsenv list` shows the profiles there are'
          : '; no profiles are defined (see `aws configure`)';
    super(`profile '${profile}' not found${hint}`);
  }
}

/** A value the chosen shell cannot carry; names the variable, never the value. */
export class UnrepresentableValue extends AwsenvError {
  constructor(
    readonly variable: string,
    readonly shell: string,
    readonly reason: string,
    readonly suggestion?: string,
  ) {
    super(
      `cannot set ${variable} in ${shell}: the value ${reason}${suggestion ? `; ${suggestion}` : ''}`,
    );
  }
}

/**
 * A variable name that is not `^[A-Za-z_][A-Za-z0-9_]*$`: names are not quoted in any
 * dialect, so such a name in a statement would be code. Printed through run.ts, which
 * escapes control characters.
 */
export class UnsafeVariableName extends AwsenvError {
  constructor(readonly variable: string) {
    super(`refusing to write a statement for the variable name '${variable}': only letters, digits and _ (not first) are safe in a shell`);
  }
}

/** A profile of a kind this command cannot turn into credentials (yet, or at all). */
export class UnsupportedProfile extends AwsenvError {}
