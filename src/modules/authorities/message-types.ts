// The XAmtshilfe message types an authority can declare it accepts electronically.
export const MESSAGE_TYPES = ['100', '101', '102', '103', '104', '105', '106', '999'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const isMessageType = (t: string): t is MessageType => (MESSAGE_TYPES as readonly string[]).includes(t);
