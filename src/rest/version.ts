// Versions the REST API reports: Weir's own, and the Flink REST version its shapes follow.
export const VERSION = { weir: 'weir-0.1.0', flinkCompat: '1.18.1' } as const;
