// A family's home region: given explicitly, or chosen from the country it lives in, or the
// installation's default. Only regions the installation runs are ever chosen.
import { Violations } from '@family/errors';

/** Where a family in each country is served best, if the installation runs that region. */
const COUNTRY_REGIONS: Record<string, string> = Object.fromEntries([
  // The EU and the EEA, with the United Kingdom and Switzerland (adequacy decisions).
  ...'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO GB CH'
    .split(' ')
    .map((c) => [c, 'eu']),
  ...'US CA PR'.split(' ').map((c) => [c, 'us']),
]);

export interface RegionSettings {
  /** The regions this installation runs; empty: a single-region installation. */
  regions: readonly string[];
  /** Where a family goes when neither a region nor a mapped country says otherwise. */
  defaultRegion: string | undefined;
}

/** The home region for a new family, or null on a single-region installation. */
export function chooseRegion(settings: RegionSettings, input: { region: string; country: string }): string | null {
  const v = new Violations();
  const region = input.region.trim().toLowerCase();
  const country = input.country.trim().toUpperCase();
  if (country && !/^[A-Z]{2}$/.test(country)) v.add('country', 'must be an ISO 3166-1 alpha-2 code such as DE');
  if (settings.regions.length === 0) {
    if (region) v.add('region', 'this installation runs in one region: leave it out');
    v.throwIfAny();
    return null;
  }
  if (region && !settings.regions.includes(region)) v.add('region', `must be one of ${settings.regions.join(', ')}`);
  v.throwIfAny();
  if (region) return region;
  const byCountry = COUNTRY_REGIONS[country];
  if (byCountry && settings.regions.includes(byCountry)) return byCountry;
  return settings.defaultRegion ?? settings.regions[0]!;
}
