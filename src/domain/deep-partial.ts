// A draft of nested materials (DOMAIN.md §2): every field at every depth may be missing, so a
// host can save half a form. Arrays stay arrays of partial items; unions (a person or
// `{ sameAsSubjectPrincipal: true }`) distribute, so each member becomes partial on its own.
export type DeepPartial<T> =
  T extends readonly (infer E)[] ? DeepPartial<E>[]
    : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;
