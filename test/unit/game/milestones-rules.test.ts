import { describe, expect, it } from 'vitest';
import { checkMilestoneName, checkSemverRules, deleteNeedsForce, milestoneNameProblem, parseMilestoneType, planPromotion, type MilestoneFacts } from '../../../personas/game/milestones/rules.js';

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}

const shipped: MilestoneFacts[] = [
  { name: 'alpha-1', type: 'alpha', semver: '1.0.0-alpha.1' },
  { name: 'v1.0', type: 'release', semver: '1.0.0' },
  { name: 'v1.1', type: 'release', semver: '1.1.0' },
  { name: 'hf-1.1.1', type: 'hotfix', semver: '1.1.1' },
  { name: 'e3', type: 'demo' },
];

describe('milestone names and types', () => {
  it('accepts ordinary names and refuses the rest with a reason', () => {
    for (const name of ['alpha-1', 'Beta_2', '1.0.0', 'E3-demo']) expect(milestoneNameProblem(name)).toBeUndefined();
    expect(milestoneNameProblem('')).toBe('the name is empty');
    expect(milestoneNameProblem('a/b')).toContain('letters, digits');
    expect(milestoneNameProblem('-x')).toContain('starting with a letter or digit');
    expect(milestoneNameProblem('a..b')).toContain('".."');
    expect(milestoneNameProblem('x.lock')).toContain('.lock');
    expect(milestoneNameProblem('HEAD')).toContain('reserved');
    expect(milestoneNameProblem('x'.repeat(65))).toContain('64');
    expect(() => checkMilestoneName('a b')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('parses kinds case-insensitively and lists them when unknown', () => {
    expect(parseMilestoneType('RC')).toBe('rc');
    const e = refusal(() => parseMilestoneType('gold'));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('alpha, beta, rc, release, hotfix, demo, dev, nightly');
  });
});

describe('checkSemverRules', () => {
  it('accepts what the rules allow', () => {
    expect(() => checkSemverRules({ name: 'v1.2', type: 'release', semver: '1.2.0' }, shipped)).not.toThrow();
    expect(() => checkSemverRules({ name: 'hf-1.0.1', type: 'hotfix', semver: '1.0.1' }, shipped)).not.toThrow(); // an older line
    expect(() => checkSemverRules({ name: 'hf-1.1.2', type: 'hotfix', semver: '1.1.2' }, shipped)).not.toThrow();
    expect(() => checkSemverRules({ name: 'rc', type: 'rc', semver: '1.2.0-rc.1' }, shipped)).not.toThrow();
    expect(() => checkSemverRules({ name: 'n', type: 'nightly' }, shipped)).not.toThrow();
    expect(() => checkSemverRules({ name: 'd', type: 'demo', semver: '0.9.0' }, shipped)).not.toThrow();
  });

  it.each<[string, MilestoneFacts, string]>([
    ['a release without a semver', { name: 'x', type: 'release' }, 'a release needs a semver'],
    ['a hotfix without a semver', { name: 'x', type: 'hotfix' }, 'a hotfix needs a semver'],
    ['a release with a pre-release tag', { name: 'x', type: 'release', semver: '1.2.0-rc.1' }, 'ship 1.2.0 instead'],
    ['a second release of one version', { name: 'x', type: 'release', semver: '1.1.0' }, '1.1.0 has shipped already: v1.1'],
    ['a release of a hotfix version', { name: 'x', type: 'release', semver: '1.1.1+b2' }, '1.1.1+b2 has shipped already: hf-1.1.1'],
    ['a release going backwards', { name: 'x', type: 'release', semver: '1.0.5' }, 'release 1.0.5 is not greater than 1.1.1 (hotfix hf-1.1.1)'],
    ['a hotfix without a release of its line', { name: 'x', type: 'hotfix', semver: '1.3.1' }, 'no release 1.3.x exists'],
    ['a hotfix going backwards on its line', { name: 'x', type: 'hotfix', semver: '1.1.0+b' }, 'has shipped already'],
    ['a hotfix below the line\'s newest', { name: 'x', type: 'hotfix', semver: '1.0.0+x' }, 'has shipped already'],
    ['an rc after its version shipped', { name: 'x', type: 'rc', semver: '1.0.0-rc.1' }, 'rc 1.0.0-rc.1 comes before 1.0.0, which has shipped (release v1.0)'],
    ['the very same semver text', { name: 'x', type: 'beta', semver: '1.0.0-alpha.1' }, "already milestone alpha-1's"],
  ])('refuses %s', (_what, candidate, message) => {
    const e = refusal(() => checkSemverRules(candidate, shipped));
    expect(e.code).toBe('RELEASE_RULE');
    expect(e.message).toContain(message);
  });

  it('refuses a hotfix below the newest of its line', () => {
    const line = [...shipped, { name: 'hf-1.1.3', type: 'hotfix' as const, semver: '1.1.3' }];
    const e = refusal(() => checkSemverRules({ name: 'x', type: 'hotfix', semver: '1.1.2' }, line));
    expect(e.code).toBe('RELEASE_RULE');
    expect(e.message).toBe('the semver goes backwards: hotfix 1.1.2 is not greater than 1.1.3 (hotfix hf-1.1.3) on the 1.1 line');
  });

  it('refuses a hotfix with a pre-release tag', () => {
    const e = refusal(() => checkSemverRules({ name: 'x', type: 'hotfix', semver: '1.1.1-0' }, shipped));
    expect(e.message).toContain('no pre-release tag');
  });
});

describe('planPromotion', () => {
  const others: MilestoneFacts[] = [{ name: 'v0.9', type: 'release', semver: '0.9.0' }];
  it('climbs the ladder, dropping the pre-release tag on the way to release', () => {
    expect(planPromotion({ name: 'b', type: 'beta', semver: '1.0.0-beta.2' }, 'rc', others)).toEqual({ from: 'beta', to: 'rc', semver: '1.0.0-beta.2' });
    expect(planPromotion({ name: 'r', type: 'rc', semver: '1.0.0-rc.2+b9' }, 'release', others)).toEqual({ from: 'rc', to: 'release', semver: '1.0.0+b9' });
    expect(planPromotion({ name: 'r', type: 'rc', semver: '1.0.0-rc.2' }, 'release', others, '1.0.1')).toEqual({ from: 'rc', to: 'release', semver: '1.0.1' });
    expect(planPromotion({ name: 'n', type: 'nightly' }, 'alpha', others)).toEqual({ from: 'nightly', to: 'alpha' });
  });

  it.each<[string, MilestoneFacts, string, string]>([
    ['backwards', { name: 'r', type: 'rc', semver: '1.0.0-rc.1' }, 'beta', 'promotion goes forward only'],
    ['to the same kind', { name: 'r', type: 'rc' }, 'rc', 'already a rc'],
    ['to a kind off the ladder', { name: 'r', type: 'rc' }, 'hotfix', 'a kind of its own'],
    ['a hotfix', { name: 'h', type: 'hotfix', semver: '0.9.1' }, 'release', 'a hotfix is final'],
    ['a demo', { name: 'd', type: 'demo' }, 'release', 'a demo is final'],
    ['to release without a semver', { name: 'r', type: 'rc' }, 'release', 'a release needs a semver'],
    ['to release behind a shipped version', { name: 'r', type: 'rc', semver: '0.8.0-rc.1' }, 'release', 'not greater than 0.9.0'],
  ])('refuses %s', (_what, m, to, message) => {
    const e = refusal(() => planPromotion(m, to as never, others));
    expect(e.code).toBe('RELEASE_RULE');
    expect(e.message).toContain(message);
  });

  it('asks for force to delete what shipped', () => {
    expect(deleteNeedsForce('release')).toBe(true);
    expect(deleteNeedsForce('hotfix')).toBe(true);
    expect(deleteNeedsForce('beta')).toBe(false);
  });
});
