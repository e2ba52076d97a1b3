import { afterEach, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/client/api.js';
import { setCurrentLocale, tOr, t, languageName, pickerLocales } from '../../src/client/i18n.js';
import { fieldReason, formProblem, problemReason, problemSummary } from '../../src/client/problems.js';
import en from '../../src/locales/en.json' with { type: 'json' };
import { pseudoMessage } from '../../src/locales/pseudo.js';

const invalid = (errors: Problem['errors']): Problem => ({ title: 'The request is invalid', status: 400, code: 'request.invalid', detail: 'English detail', errors });

afterEach(() => setCurrentLocale('en'));

describe('a refusal in the reader’s language', () => {
  it('says the reason for the code from the locale file, never the server’s detail', () => {
    const p: Problem = { title: 'x', status: 409, code: 'users.username_taken', detail: 'The username "nuka" is taken.' };
    expect(problemReason(p)).toBe(en['problem.users.username_taken']);
    expect(problemSummary(p)).toBe(en['problem.users.username_taken']);
    setCurrentLocale('en-XA');
    expect(problemSummary(p)).toBe(pseudoMessage(en['problem.users.username_taken']));
  });

  it('a code without text gets the general sentence with the code', () => {
    const p: Problem = { title: 'x', status: 418, code: 'teapot.brewing', detail: 'short and stout' };
    expect(problemReason(p)).toBe('The server refused this (code teapot.brewing).');
    expect(problemReason({ code: undefined as unknown as string })).toBe('The server refused this (code ?).');
  });

  it('names each field with its reason; recognised kinds from the locale file, other words as the server gave them', () => {
    const p = invalid([
      { field: 'body.displayName', message: 'Too big: expected string to have <=120 characters' },
      { field: 'body.role', message: 'Invalid option: expected one of "trainee"|"admin"' },
      { field: 'body.password', message: 'must be at least 12 characters' },
      { field: 'querystring.limit', message: 'Too big: expected number to be <=500' },
    ]);
    expect(problemSummary(p)).toBe(
      [
        en['problem.request.invalid'],
        'displayName: too long (at most 120 characters)',
        'role: not one of the choices',
        'password: must be at least 12 characters',
        'querystring.limit: too large (at most 500)',
      ].join(' · '),
    );
  });

  it.each([
    ['Invalid input: expected string, received undefined', 'required'],
    ['Too small: expected string to have >=1 characters', 'required'],
    ['unknown property', 'not expected here'],
    ['Too small: expected string to have >=3 characters', 'too short (at least 3 characters)'],
    ['Too big: expected string to have <=1 characters', 'too long (at most 1 character)'],
    ['Too small: expected number to be >=1', 'too small (at least 1)'],
    ['Too big: expected array to have <=1000 items', 'too many (at most 1000)'],
    ['Invalid input: expected number, received string', 'not the right kind of value'],
    ['Invalid email address', 'not in the expected form'],
    ['Invalid string: must match pattern /^a$/', 'not in the expected form'],
    ['give an email or a phone number', 'give an email or a phone number'],
  ])('field reason for %j is %j', (message, reason) => {
    expect(fieldReason(message)).toBe(reason);
  });

  it('a form shows each reason beside its field and the general reason only for what no field shows', () => {
    const p = invalid([
      { field: 'body.username', message: 'Invalid input: expected string, received undefined' },
      { field: 'body.surprise', message: 'unknown property' },
    ]);
    expect(formProblem(p, ['username', 'password'])).toEqual({ fields: { username: 'required' }, general: `${en['problem.request.invalid']} · surprise: not expected here` });
    expect(formProblem(invalid([{ field: 'body.username', message: 'unknown property' }]), ['username'])).toEqual({ fields: { username: 'not expected here' }, general: null });
    setCurrentLocale('en-XA');
    const pseudo = formProblem(invalid([{ field: 'body.username', message: 'Invalid input: expected string, received undefined' }]), ['username']);
    expect(pseudo.fields['username']).toBe(pseudoMessage(en['problem.field.required']));
  });
});

describe('tOr and the language list', () => {
  it('tOr formats ICU like t(), and gives the fallback for a key no language has', () => {
    expect(tOr('problem.field.tooLong', 'x', { max: 2 })).toBe(t('problem.field.tooLong', { max: 2 }));
    expect(tOr('problem.field.tooLong', 'x', { max: 2 })).toBe('too long (at most 2 characters)');
    expect(tOr('problem.unknown', 'x', { code: 'a.b' })).toBe('The server refused this (code a.b).');
    expect(tOr('no.such.key', 'fallback {n}')).toBe('fallback {n}');
    setCurrentLocale('fr');
    expect(tOr('language.en', 'x')).toBe('Anglais');
  });

  it('the pseudo-locale is listed, with a name, only while the page is in it', () => {
    expect(pickerLocales()).toEqual(['en', 'fr', 'iu']);
    setCurrentLocale('en-XA');
    expect(pickerLocales()).toEqual(['en', 'fr', 'iu', 'en-XA']);
    expect(languageName('en-XA')).toBe(pseudoMessage(en['language.pseudo']));
    expect(languageName('en-XA')).not.toBe('');
  });
});

describe('a device that moved on', () => {
  it('the reason says the status the problem names, by its name in the reader’s language', () => {
    const p: Problem = { title: 'x', status: 409, code: 'devices.invalid_transition', detail: 'Cannot grade a device that is in_repair.', currentStatus: 'in_repair' };
    expect(problemReason(p)).toBe(`${en['problem.devices.invalid_transition']} The device is now: ${en['station.status.in_repair']}.`);
    expect(problemReason({ ...p, currentStatus: 'melted' })).toBe(`${en['problem.devices.invalid_transition']} The device is now: melted.`);
    expect(problemReason({ ...p, currentStatus: 3 })).toBe(en['problem.devices.invalid_transition']);
  });
});
