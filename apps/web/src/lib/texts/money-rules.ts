// Texts of the money-rules screens, in English and German (same keys; merged into ../i18n).
export const moneyRulesEn = {};

export const moneyRulesDe: Record<keyof typeof moneyRulesEn, string> = {};
