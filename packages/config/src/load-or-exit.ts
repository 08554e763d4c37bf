import { ConfigError, type KhitomerConfig, loadConfig, type Role } from './load-config.js';

/** Exit code for invalid configuration. */
export const CONFIG_EXIT_CODE = 2;

/**
 * {@link loadConfig} for a `main.ts`: on invalid configuration writes the one message listing
 * every problem to `write` (stderr by default) and exits with code 2 — no stack trace.
 * Other errors are rethrown.
 */
export function loadConfigOrExit(
  env: Record<string, string | undefined>,
  role: Role,
  io: { write?: (text: string) => void; exit?: (code: number) => never } = {},
): KhitomerConfig {
  try {
    return loadConfig(env, role);
  } catch (err) {
    if (err instanceof ConfigError) {
      (io.write ?? ((t: string) => process.stderr.write(t)))(`${err.message}\n`);
      return (io.exit ?? ((code: number) => process.exit(code)))(CONFIG_EXIT_CODE);
    }
    throw err;
  }
}
