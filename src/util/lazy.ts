// A value built on first use. The zod schemas are wrapped in it: building one costs a
// noticeable part of a 30 ms `awsenv use`, and most runs need only one of them.
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
