// The level curve: XP needed for each level, and the levels a gain in XP passes.

/** XP from level 1 to 2; each further level needs STEP_XP more than the one before. */
export const FIRST_LEVEL_XP = 100;
export const STEP_XP = 50;
export const MAX_LEVEL = 100;

/** Total XP at which `level` starts: 100·(n−1) + 25·(n−1)(n−2), so level 2 = 100, 5 = 700, 10 = 2 700. */
export function xpForLevel(level: number): number {
  const n = Math.min(Math.max(Math.floor(level), 1), MAX_LEVEL) - 1;
  return FIRST_LEVEL_XP * n + (STEP_XP * n * (n - 1)) / 2;
}

/** The level a member with `xp` has reached. */
export function levelForXp(xp: number): number {
  let level = 1;
  while (level < MAX_LEVEL && xpForLevel(level + 1) <= xp) level += 1;
  return level;
}

export interface LevelBand {
  level: number;
  levelStartXp: number;
  /** Where the next level starts; equals levelStartXp at the top level. */
  nextLevelXp: number;
}

export function levelBand(xp: number): LevelBand {
  const level = levelForXp(xp);
  return {
    level,
    levelStartXp: xpForLevel(level),
    nextLevelXp: level < MAX_LEVEL ? xpForLevel(level + 1) : xpForLevel(level),
  };
}

/** Every level above `announced` up to the one `xp` reaches, lowest first (one event may pass several). */
export function levelsToAnnounce(announced: number, xp: number): number[] {
  const reached = levelForXp(xp);
  const levels: number[] = [];
  for (let level = Math.max(announced, 1) + 1; level <= reached; level += 1) levels.push(level);
  return levels;
}
