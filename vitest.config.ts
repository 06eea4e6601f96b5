import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One real Kafka broker for the whole run (see scripts/kafka.sh).
    globalSetup: ['tests/support/kafka-global-setup.ts'],
  },
});
