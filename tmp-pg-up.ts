import path from 'node:path';
import { startEmbeddedPostgres } from './db/embedded';
const s = await startEmbeddedPostgres({ dataDir: path.resolve('.data/bench-pg'), port: 54349, database: 'bench', log: console.log });
console.log('PG UP', s.connectionString('bench'));
process.on('SIGTERM', async () => { await s.stop(); process.exit(0); });
setInterval(() => {}, 1 << 30);
