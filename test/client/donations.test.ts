import { describe, expect, it } from 'vitest';
import { certificateName, donationBody, donationDevicesPath, donationsPath, emptyDonation, receivedOf, withContactFields } from '../../src/client/donations.js';
import { fileNameOf } from '../../src/client/api.js';
import { formProblem } from '../../src/client/problems.js';
import { DONATION_FIELDS } from '../../src/client/donations.js';

describe('the Donations pages logic', () => {
  it('reads the list 25 at a time with its cursor, and a donation’s devices through the donationId filter', () => {
    expect(donationsPath(null)).toBe('/donations?limit=25');
    expect(donationsPath('abc=')).toBe('/donations?limit=25&cursor=abc%3D');
    expect(donationsPath(null, 'kimmirut')).toBe('/donations?limit=25&site=kimmirut');
    expect(donationDevicesPath(7, null)).toBe('/devices?donationId=7&limit=100');
    expect(donationDevicesPath(7, 'x')).toBe('/devices?donationId=7&limit=100&cursor=x');
  });

  it('sends only what was typed: no contact when none of it was, numbers as numbers, anything else as typed for the service to refuse', () => {
    const d = { ...emptyDonation('2026-11-30'), donorName: 'QGH' };
    expect(donationBody(d)).toEqual({ donorName: 'QGH', donorType: 'business', receivedAt: '2026-11-30', expectedDevices: undefined, notes: undefined, contact: undefined });
    expect(donationBody({ ...d, expectedDevices: ' 3 ' }).expectedDevices).toBe(3);
    expect(donationBody({ ...d, expectedDevices: '-1' }).expectedDevices).toBe(-1);
    expect(donationBody({ ...d, expectedDevices: 'three' }).expectedDevices).toBe('three');
    expect(donationBody({ ...d, contactName: ' Lucy ', contactPhone: '867-555-0100' }).contact).toEqual({ name: 'Lucy', email: undefined, phone: '867-555-0100' });
    // An email alone still goes, so that the missing name is refused beside its field.
    expect(donationBody({ ...d, contactEmail: 'a@b.ca' }).contact).toEqual({ name: '', email: 'a@b.ca', phone: undefined });
  });

  it('places the contact’s refusals beside its own fields', () => {
    const problem = {
      title: 'Bad Request',
      status: 400,
      detail: 'invalid',
      code: 'request.invalid',
      errors: [
        { field: 'body.contact.email', message: 'give an email or a phone number' },
        { field: 'body.expectedDevices', message: 'Too small' },
      ],
    };
    expect(formProblem(withContactFields(problem), DONATION_FIELDS)).toEqual({ fields: { contactEmail: 'give an email or a phone number', expectedDevices: 'Too small' }, general: null });
  });

  it('says received against expected, complete once reached', () => {
    expect(receivedOf({ deviceCount: 0, expectedDevices: 3 })).toEqual({ received: 0, expected: 3, complete: false });
    expect(receivedOf({ deviceCount: 3, expectedDevices: 3 })).toEqual({ received: 3, expected: 3, complete: true });
    expect(receivedOf({ deviceCount: 2, expectedDevices: null })).toEqual({ received: 2, expected: null, complete: false });
  });

  it('saves the certificate under the service’s file name, else its own', () => {
    expect(fileNameOf('attachment; filename="donation-4.pdf"', certificateName(4))).toBe('donation-4.pdf');
    expect(fileNameOf(null, certificateName(4))).toBe('donation-4-certificate.pdf');
  });
});
