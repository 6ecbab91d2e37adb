import { expect } from 'chai';
import { AppError } from '@family/errors';
import { enumCodec } from '@family/service-kit';

/** A contract enum as ts-proto generates it (string values, prefixed, UNSPECIFIED first). */
enum Jar {
  JAR_UNSPECIFIED = 'JAR_UNSPECIFIED',
  JAR_SPEND = 'JAR_SPEND',
  JAR_SAVE = 'JAR_SAVE',
  JAR_GIVE = 'JAR_GIVE',
  UNRECOGNIZED = 'UNRECOGNIZED',
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('enumCodec', () => {
  const jars = enumCodec('JAR_', ['SPEND', 'SAVE', 'GIVE'], Jar);

  it('encodes a domain name as its contract value, and no name as UNSPECIFIED', () => {
    expect(jars.encode('SAVE')).to.equal(Jar.JAR_SAVE);
    expect(jars.encodeOptional(null)).to.equal(Jar.JAR_UNSPECIFIED);
    expect(jars.encodeOptional(undefined)).to.equal(Jar.JAR_UNSPECIFIED);
    expect(jars.encodeOptional('GIVE')).to.equal(Jar.JAR_GIVE);
  });

  it('reads UNSPECIFIED and an unset value as not given, from a caller and from a peer', () => {
    for (const value of [undefined, '', Jar.JAR_UNSPECIFIED]) {
      expect(jars.decode(value, 'jar')).to.equal(undefined);
      expect(jars.fromPeer(value)).to.equal(undefined);
    }
    expect(jars.decode(Jar.JAR_SPEND, 'jar')).to.equal('SPEND');
    expect(jars.fromPeer(Jar.JAR_GIVE)).to.equal('GIVE');
  });

  it("refuses a caller's unknown value as INVALID_ARGUMENT naming the field", () => {
    const err = thrown(() => jars.decode(Jar.UNRECOGNIZED, 'transfer.toJar'));
    expect(err).to.be.instanceOf(AppError);
    expect(err).to.include({ kind: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED' });
    expect((err as AppError).violations).to.deep.equal([
      { field: 'transfer.toJar', message: 'must be one of SPEND, SAVE, GIVE' },
    ]);
  });

  it('refuses a contract value outside the names the codec allows', () => {
    const spendable = enumCodec('JAR_', ['SPEND', 'SAVE'], Jar);
    const err = thrown(() => spendable.decode(Jar.JAR_GIVE, 'jar')) as AppError;
    expect(err.violations).to.deep.equal([{ field: 'jar', message: 'must be one of SPEND, SAVE' }]);
  });

  it('refuses UNSPECIFIED where the value is required', () => {
    expect(jars.require(Jar.JAR_SAVE, 'jar')).to.equal('SAVE');
    for (const value of [undefined, Jar.JAR_UNSPECIFIED, Jar.UNRECOGNIZED]) {
      const err = thrown(() => jars.require(value, 'jar')) as AppError;
      expect(err).to.be.instanceOf(AppError);
      expect(err.violations.map((v) => v.field)).to.deep.equal(['jar']);
    }
  });

  it("treats a peer's unknown value as a bug: a plain Error, not a caller's mistake", () => {
    const err = thrown(() => jars.fromPeer(Jar.UNRECOGNIZED));
    expect(err).to.be.instanceOf(Error);
    expect(err).to.not.be.instanceOf(AppError);
    expect((err as Error).message).to.contain('UNRECOGNIZED');
  });

  it('checks its names against the contract enum when it is built', () => {
    expect(() => enumCodec('JAR_', ['SPEND', 'PIGGY'], Jar)).to.throw('JAR_PIGGY is not in the contract');
    expect(() => enumCodec('JAR', ['SPEND'], Jar)).to.throw('JARSPEND is not in the contract');
  });
});
