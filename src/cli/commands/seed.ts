// seed: the small demo data set, only into an empty register.
import { loadDemoSeed } from '../../../seed/load.js';
import { systemClock } from '../../lib/clock.js';
import type { Command } from '../commands.js';

export const seed: Command = {
  name: 'seed',
  synopsis: '',
  summary: ['Load the demo seed into an empty register.'],
  options: [],
  async run({ actor, withDatabase }) {
    const outcome = await withDatabase((d) => loadDemoSeed(d.db, systemClock, actor()));
    console.log(`demo seed: ${outcome}`);
    return 0;
  },
};
