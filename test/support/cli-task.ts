import pg from 'pg';
import { distFile, spawnNode } from './spawned-process.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TaskResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** npm run <task> is node dist/<file> after the build: runs it as its own process and waits for it to exit. */
export async function runTask(file: string, args: string[], env: Record<string, string>, stdin?: string): Promise<TaskResult> {
  const task = spawnNode(distFile(file), args, env, stdin);
  const { code } = await task.exit(60_000);
  return { code, stdout: task.stdout.join('\n'), stderr: task.stderr.join('\n') };
}

/**
 * A database of its own for the enclosing describe's command-line tasks, the
 * environment that points them at it, and a client to look at what they did.
 * Read them inside tests and hooks: they exist once the beforeAll has run.
 */
export function useTaskDatabase() {
  let database: TestDatabase;
  let client: pg.Client;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    env = { DATABASE_URL: database.url, NODE_ENV: 'test' };
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  return {
    get env(): Record<string, string> {
      return env;
    },
    get client(): pg.Client {
      return client;
    },
  };
}
