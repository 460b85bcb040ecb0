import { withContrast } from '../../shared/contrast';

/**
 * Kenneth Kelly's colours of maximum contrast (1965), without white and black, and without his
 * second yellow (#dcd300) and second orange (#f6a600): beside the first ones they read as the
 * same colour in a dense scatter (Arabic and Russian did). 18 hues, one per language of the
 * names task; d3's categorical schemes stop at 10 or 12 and then repeat.
 */
const KELLY = [
  '#f3c300',
  '#875692',
  '#f38400',
  '#a1caf1',
  '#be0032',
  '#c2b280',
  '#848482',
  '#008856',
  '#e68fac',
  '#0067a5',
  '#f99379',
  '#604e97',
  '#b3446c',
  '#882d17',
  '#8db600',
  '#654522',
  '#e25822',
  '#2b3d26',
];

/**
 * A colour per category, by its index in the model's labels, so a language has one colour
 * wherever it is drawn; each nudged only as far as needed to keep 3:1 against the background.
 */
export function categoryColours(count: number, background: string): string[] {
  return Array.from({ length: count }, (_, i) =>
    withContrast(KELLY[i % KELLY.length] as string, background, 3),
  );
}
