// Texts of the settings screens, in English and German (same keys; merged into ../i18n).
export const settingsEn = {};

export const settingsDe: Record<keyof typeof settingsEn, string> = {};
