// One collector per lookup for what was decided (in order) and what the caller should check.
// The result hands out its lists as they are: explanation (in full and public wording) and warnings.

/** A step's wording, or how to word it: steps are worded only when someone reads them. */
export type Wording = string | (() => string);

const worded = (w: Wording) => (typeof w === 'string' ? w : w());

export class Explanation {
  readonly steps: string[] = [];
  /** the steps as everyone but ADMIN and the data centre itself reads them */
  readonly publicSteps: string[] = [];
  readonly warnings: string[] = [];

  /**
   * @param explaining false when no one reads the steps (a query without `explanation`, a CSV run,
   * coverage): wording them was a third of a lookup's time (#17). Warnings are always kept.
   */
  constructor(readonly explaining = true) {}

  /** A step; `publicText` when the full wording names a data centre's internals. */
  step(text: Wording, publicText?: Wording): void {
    if (!this.explaining) return;
    const full = worded(text);
    this.steps.push(full);
    this.publicSteps.push(publicText === undefined ? full : worded(publicText));
  }

  warn(text: string): void {
    this.warnings.push(text);
  }
}
