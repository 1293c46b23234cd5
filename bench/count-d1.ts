/**
 * A D1 binding that counts what its caller asks of D1, for the bench-only entries
 * (bench/cleanup-entry.ts, bench/edge-entry.ts): `queries` counts statements (a batch's each,
 * what the Workers D1 limit counts), `roundTrips` counts calls that reach D1 (a statement's
 * first/run/all/raw, or one batch however long).
 */
export function counting(db: D1Database): { db: D1Database; queries: () => number; roundTrips: () => number } {
  let queries = 0;
  let roundTrips = 0;
  const statement = (s: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(s, {
      get(target, prop) {
        if (prop === '__target') return target;
        const value = Reflect.get(target, prop, target) as unknown;
        if (prop === 'bind') return (...args: unknown[]) => statement(target.bind(...args));
        if (prop === 'first' || prop === 'run' || prop === 'all' || prop === 'raw') {
          return (...args: unknown[]) => {
            queries++;
            roundTrips++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  const wrapped = new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string) => statement(target.prepare(sql));
      }
      if (prop === 'batch') {
        return (list: D1PreparedStatement[]) => {
          queries += list.length;
          roundTrips++;
          // D1 takes only its own statement objects: each proxy hands over the one it wraps.
          return target.batch(list.map((s) => (s as unknown as { __target?: D1PreparedStatement }).__target ?? s));
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: wrapped, queries: () => queries, roundTrips: () => roundTrips };
}
