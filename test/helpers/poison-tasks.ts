// Hand-off tasks that misbehave on cue, loaded by a worker pool in the quarantine tests: a letter
// whose reference starts with HANG spins its thread for ever, CRASH ends the worker; any other
// runs the real task.
import { handOffTasks as real, type HandOffTasks } from '../../src/modules/delivery/handoff.tasks.js';

export const handOffTasks: HandOffTasks = {
  async letter(input) {
    if (input.reference.startsWith('HANG')) for (;;);
    if (input.reference.startsWith('CRASH')) process.exit(70);
    return real.letter(input);
  },
  seal: (input) => real.seal(input),
};
