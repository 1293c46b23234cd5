import type { MoodleFormatting } from '../../components/moodle-format';

/**
 * What every `*-lazy` entry module exports for the loader: the tags it
 * registered, the string keys those elements use, the core strings their
 * sizes and dates need, and where to hand Moodle's formatting. Types only:
 * the loader must not import code from the lazy side.
 */
export interface LazyModule {
  tags: readonly string[];
  stringKeys: readonly string[];
  coreStrings: ReadonlyArray<{ key: string; component: string }>;
  useMoodle(formatting: MoodleFormatting): void;
}
