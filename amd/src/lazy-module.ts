/**
 * What every `*-lazy` entry module exports for the loader: the tags it
 * registered and the string keys those elements use. Types only: the loader
 * must not import code from the lazy side.
 */
export interface LazyModule {
  tags: readonly string[];
  stringKeys: readonly string[];
}
