import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32OfString } from '../crc32';
import { Vocabulary } from './alphabet';

export interface LabeledName {
  /** Folded to the model's alphabet. */
  name: string;
  label: number;
}

export interface NamesDataset {
  languages: string[];
  vocabulary: Vocabulary;
  train: LabeledName[];
  test: LabeledName[];
}

/**
 * The benchmark split of ../shared/docs/benchmarks.md: distinct (name, language) pairs, and a
 * name goes to test when crc32(utf8(name)) % 5 == 0, so no name is on both sides.
 */
export function isHeldOut(foldedName: string): boolean {
  return crc32OfString(foldedName) % 5 === 0;
}

const loaded = new Map<string, NamesDataset>();

/**
 * loadNames once per directory in this process. The training worker outlives its runs, so the
 * playground's next run skips the parse (100-200 ms of its first point). Training reads the
 * bundled names (or, in the CLI, one directory for one process), which do not change meanwhile;
 * nothing mutates a dataset.
 */
export function loadNamesOnce(directory: string): NamesDataset {
  let dataset = loaded.get(directory);
  if (!dataset) {
    dataset = loadNames(directory);
    loaded.set(directory, dataset);
  }
  return dataset;
}

/** Reads `<Language>.txt` files, one name per line, as the PyTorch tutorial's data set has them. */
export function loadNames(directory: string): NamesDataset {
  const files = fs
    .readdirSync(directory)
    .filter((file) => file.endsWith('.txt'))
    .sort();
  if (files.length < 2)
    throw new Error(`Expected at least two <Language>.txt files in ${directory}`);
  const vocabulary = Vocabulary.names();
  const languages = files.map((file) => path.basename(file, '.txt'));
  const seen = new Set<string>();
  const train: LabeledName[] = [];
  const test: LabeledName[] = [];
  files.forEach((file, label) => {
    const lines = fs.readFileSync(path.join(directory, file), 'utf8').split(/\r?\n/);
    for (const line of lines) {
      const name = vocabulary.fold(line.trim());
      const key = `${label}\u0000${name}`;
      if (name.length === 0 || seen.has(key)) continue;
      seen.add(key);
      (isHeldOut(name) ? test : train).push({ name, label });
    }
  });
  return { languages, vocabulary, train, test };
}
