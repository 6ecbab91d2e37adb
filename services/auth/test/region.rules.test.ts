import { expect } from 'chai';
import { AppError } from '@family/errors';
import { chooseRegion } from '../src/domain/region.rules.js';

describe('auth: a new family’s home region', () => {
  const two = { regions: ['eu', 'us'], defaultRegion: 'us' };
  const refusedFields = (run: () => unknown): string[] => {
    try {
      run();
    } catch (err) {
      if (err instanceof AppError) return err.violations.map((v) => v.field);
      throw err;
    }
    return [];
  };

  it('takes an explicit region, else the country’s, else the default', () => {
    expect(chooseRegion(two, { region: 'EU', country: 'US' })).to.equal('eu');
    expect(chooseRegion(two, { region: '', country: 'de' })).to.equal('eu');
    expect(chooseRegion(two, { region: '', country: 'CA' })).to.equal('us');
    expect(chooseRegion(two, { region: '', country: 'JP' })).to.equal('us');
    expect(chooseRegion(two, { region: '', country: '' })).to.equal('us');
    // A country whose region the installation does not run goes to the default.
    expect(chooseRegion({ regions: ['us'], defaultRegion: undefined }, { region: '', country: 'FR' })).to.equal('us');
  });

  it('has no region on a single-region installation, and refuses one being asked for', () => {
    const one = { regions: [], defaultRegion: undefined };
    expect(chooseRegion(one, { region: '', country: 'DE' })).to.equal(null);
    expect(refusedFields(() => chooseRegion(one, { region: 'eu', country: '' }))).to.deep.equal(['region']);
  });

  it('names the field of a region not run here and of a malformed country', () => {
    expect(refusedFields(() => chooseRegion(two, { region: 'mars', country: 'Germany' }))).to.deep.equal([
      'country',
      'region',
    ]);
  });
});
