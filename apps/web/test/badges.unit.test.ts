// Built-in badges in German: every badge and step of the gamification service's default catalog has
// a German name; a parent-made badge, an unknown one and English keep the service's words.
import { expect } from 'chai';
import { DEFAULT_CATALOG } from '../../../services/gamification/src/domain/badge.catalog.js';
import { badgeText } from '../src/lib/texts/badges';

describe('web app: badge names', () => {
  const earned = (badgeId: string, kind: string, step: string, title = 'From the service') => ({
    badgeId,
    kind,
    step,
    title,
    description: 'As the service says it' as string | null,
  });

  it('names every badge and step of the default catalog in German', () => {
    const kinds = Object.fromEntries([
      ...DEFAULT_CATALOG.badges.map((b) => [b.id, b.kind] as const),
      ...DEFAULT_CATALOG.missions.map((m) => [m.id, 'MISSION'] as const),
    ]);
    const steps = [
      ...DEFAULT_CATALOG.badges.flatMap((b) => b.steps.map((s) => [b.id, s.key] as const)),
      ...DEFAULT_CATALOG.missions.map((m) => [m.id, 'earned'] as const),
    ];
    for (const [id, step] of steps) {
      const german = badgeText('de', earned(id, kinds[id]!, step));
      expect(german.title, `${id} ${step}`).not.to.equal('From the service');
      expect(german.description, `${id} ${step}`).not.to.equal('As the service says it');
    }
  });

  it('names tiers and ranks by their step', () => {
    expect(badgeText('de', earned('chore-champion', 'TIERED', 'silver'))).to.deep.equal({
      title: 'Aufgaben-Champion (Silber)',
      description: 'Bestätigte Aufgaben',
    });
    expect(badgeText('de', earned('xp-rank', 'CUMULATIVE', 'legend')).title).to.equal('Legende');
    expect(badgeText('de', earned('first-chore', 'ONE_OFF', 'earned')).title).to.equal('Erste Aufgabe');
  });

  it('keeps the service’s words for parent-made and unknown badges, and in English', () => {
    const own = earned('first-chore', 'CUSTOM', 'earned', 'Fleißige Biene');
    expect(badgeText('de', own)).to.deep.equal({ title: 'Fleißige Biene', description: 'As the service says it' });
    expect(badgeText('de', earned('a-new-badge', 'ONE_OFF', 'earned')).title).to.equal('From the service');
    expect(badgeText('en', earned('first-chore', 'ONE_OFF', 'earned')).title).to.equal('From the service');
  });
});
