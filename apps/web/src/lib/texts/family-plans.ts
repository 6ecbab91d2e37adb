// Texts of the family-plans screens, in English and German (same keys; merged into ../i18n).
export const familyPlansEn = {};

export const familyPlansDe: Record<keyof typeof familyPlansEn, string> = {};
