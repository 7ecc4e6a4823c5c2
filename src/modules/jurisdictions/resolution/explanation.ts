// One collector per lookup for what was decided (in order) and what the caller should check.
// The result hands out its lists as they are: explanation (in full and public wording) and warnings.

export class Explanation {
  readonly steps: string[] = [];
  /** the steps as everyone but ADMIN and the data centre itself reads them */
  readonly publicSteps: string[] = [];
  readonly warnings: string[] = [];

  /** A step; `publicText` when the full wording names a data centre's internals. */
  step(text: string, publicText = text): void {
    this.steps.push(text);
    this.publicSteps.push(publicText);
  }

  warn(text: string): void {
    this.warnings.push(text);
  }
}
