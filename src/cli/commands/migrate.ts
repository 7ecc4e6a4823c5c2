// migrate: apply the database migrations (opening the database does it).
import type { Command } from '../commands.js';

export const migrate: Command = {
  name: 'migrate',
  synopsis: '',
  summary: ['Apply database migrations.'],
  options: [],
  async run({ withDatabase }) {
    await withDatabase(async () => undefined);
    console.log('migrations applied');
    return 0;
  },
};
