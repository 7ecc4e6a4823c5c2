// One collector per lookup for what was decided (in order) and what the caller should check.
// The result hands out its two lists as they are: explanation and warnings.

export class Explanation {
  readonly steps: string[] = [];
  readonly warnings: string[] = [];

  step(text: string): void {
    this.steps.push(text);
  }

  warn(text: string): void {
    this.warnings.push(text);
  }
}
