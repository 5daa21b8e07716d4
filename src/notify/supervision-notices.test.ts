// Supervision notices' titles are `中文 / English` (as the application notices'): the organisation's and
// the bureau's consoles show the title as it is, and a reader of English saw Chinese only.
import { describe, expect, it } from 'vitest';
import {
  campaignEndedNotice, campaignExtendedNotice, campaignOpenedNotice, itemWithdrawnNotice, objectionUpheldNotice, orderDueMovedNotice,
  orderIssuedNotice, orderObjectedNotice, orderOverdueNotice, orderRedatedNotice, roundSentNotice,
} from './supervision-notices.ts';

const URL = 'https://beian.example.test';
const AT = new Date('2027-01-04T02:00:00Z');
const item = { label: 'com.example.shop', measure: 'take_down' as const };
const NOTICES = [
  campaignOpenedNotice({ id: 'c1', name: 'Spring check', catalogueDueOn: '2027-01-20', endsOn: '2027-03-31' }, URL, AT),
  roundSentNotice({ campaignName: 'Spring check', number: 2, respondBy: '2027-02-01', apps: 3 }, URL, AT),
  orderIssuedNotice({ measure: 'take_down', dueOn: '2027-01-18', dueProvisional: false, reason: 'unfiled', items: ['com.example.shop'] }, URL, AT),
  orderDueMovedNotice({ measure: 'stop_access', old: '2027-02-19', new: '2027-02-22' }, URL, AT),
  orderObjectedNotice({ ...item, organisationName: 'Example Cloud', ground: 'already_filed', note: 'filed', requestedDueOn: null }, URL, AT),
  objectionUpheldNotice({ ...item, reason: 'not filed', dueOn: '2027-01-25', dueMoved: true }, URL, AT),
  itemWithdrawnNotice({ ...item, reason: 'filed after all' }, URL, AT),
  orderRedatedNotice({ measure: 'take_down', old: '2027-01-18', new: '2027-01-25', reason: 'asked' }, URL, AT),
  orderOverdueNotice({ measure: 'take_down', dueOn: '2027-01-18', open: ['com.example.shop'], organisationName: 'Example Cloud' }, URL, true, AT),
  orderOverdueNotice({ measure: 'take_down', dueOn: '2027-01-18', open: ['com.example.shop'], organisationName: 'Example Cloud' }, URL, false, AT),
  campaignExtendedNotice({ name: 'Spring check', catalogueDueOn: '2027-01-27', endsOn: '2027-03-31', previousCatalogueDueOn: '2027-01-20', previousEndsOn: '2027-03-31', reason: 'holiday' }, URL, AT),
  campaignEndedNotice({ name: 'Spring check', endedOn: '2027-02-15', reason: 'done' }, URL, AT),
];

describe('supervision notices: titles in Chinese and English', () => {
  it.each(NOTICES.map((n) => [n.event, n.title] as const))('%s: %s', (_event, title) => {
    const [zh, en, ...rest] = title.split(' / ');
    expect(rest).toEqual([]);
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    // The names here are ASCII, so any Chinese in the English half would be untranslated text.
    expect(en).toMatch(/^[A-Z]/);
    expect(en).not.toMatch(/[\u3000-\u9fff\uff00-\uffef]/);
  });

  it('names the measure, the count and the date in English', () => {
    expect(NOTICES[2]!.title).toBe('处置通知：下架 1 项，2027-01-18 前完成 / Disposal order: take down 1 item(s) by 2027-01-18');
    expect(NOTICES[8]!.title).toBe('处置逾期：Example Cloud 下架 1 项未在 2027-01-18 前完成 / Disposal overdue: Example Cloud, take down 1 item(s) open after 2027-01-18');
  });
});
