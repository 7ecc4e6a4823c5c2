// Why a hand-off is refused: an HTTP status and a short code, answered as a JSON problem (RFC 9457).
// Nothing is stored for a refused request.

export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export function problem(r: Refusal) {
  return { type: `urn:xamt:handoff:problem:${r.code}`, title: r.code, status: r.status, detail: r.message };
}
