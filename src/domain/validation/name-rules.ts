// Naming rules that bureaus apply to service names (DOMAIN.md §0.3 and §7 [S14]). All
// findings are WARNINGS: whether a rule bites depends on facts the name alone does not show
// (is the unit national-level? does it hold the licence?), and bureaus differ. The point is
// to ask for the matching document before submission instead of learning at bureau review.
import { COMMERCIAL_WORDS, NATIONAL_WORDS, ORGANISATION_WORDS, PRE_APPROVAL_RULES, type PreApprovalType } from './name-keywords.ts';
import type { ValidationIssue } from './result.ts';

export interface NameRuleContext {
  subjectKind?: 'unit' | 'individual';
  /** True for national-level units (国家级单位), which may use 中国/国家… */
  nationalUnit?: boolean;
  /** Pre-approvals the service already declares; their keywords raise nothing. */
  preApprovals?: readonly PreApprovalType[];
}

/**
 * Warnings: `name_national_word`, `name_organisation_word_for_individual`,
 * `name_commercial_word_for_individual`, and `pre_approval_required_<type>` for each
 * pre-approval type whose keywords the name contains (e.g. `pre_approval_required_finance`);
 * the message names the document to obtain.
 */
export function checkServiceNameRules(name: string, context: NameRuleContext = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const national = findWord(name, NATIONAL_WORDS);
  if (national && context.nationalUnit !== true) {
    issues.push({ code: 'name_national_word', message: `"${national}" may appear only in the names of national-level units (or with the approving department's document)` });
  }
  if (context.subjectKind === 'individual') issues.push(...individualRules(name));
  const declared = new Set(context.preApprovals ?? []);
  for (const rule of PRE_APPROVAL_RULES) {
    const word = findWord(name, rule.keywords);
    if (!word || declared.has(rule.type)) continue;
    const where = rule.nationallyRequired ? '' : ' (no longer required nationally; some bureaus still ask)';
    issues.push({ code: `pre_approval_required_${rule.type}`, message: `"${word}" suggests ${rule.name} content: provide ${rule.document}${where}` });
  }
  return issues;
}

function individualRules(name: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const org = findWord(name, ORGANISATION_WORDS);
  if (org) issues.push({ code: 'name_organisation_word_for_individual', message: `an individual's service name may not suggest an organisation ("${org}")` });
  const commercial = findWord(name, COMMERCIAL_WORDS);
  if (commercial) issues.push({ code: 'name_commercial_word_for_individual', message: `an individual's service may not be commercial ("${commercial}")` });
  return issues;
}

function findWord(name: string, words: readonly string[]): string | undefined {
  return words.find((w) => name.includes(w));
}
