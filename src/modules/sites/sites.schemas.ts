import { z } from 'zod';

/** What requests name a site by: lower-case letters, digits and hyphens (`iqaluit`, `kimmirut`, `gjoa-haven`). */
export const SiteCode = z
  .string()
  .min(2)
  .max(32)
  .regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and hyphens, starting with a letter');

/** An IANA time zone the runtime knows (America/Iqaluit, America/Rankin_Inlet, America/Cambridge_Bay …). */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as America/Iqaluit');

export const Site = z.object({
  code: z.string(),
  name: z.string(),
  nameSyllabics: z.string().nullable(),
  assetTagPrefix: z.string(),
  timezone: z.string(),
  createdAt: z.string(),
});
export type Site = z.infer<typeof Site>;

export const CreateSiteBody = z.strictObject({
  code: SiteCode,
  name: z.string().trim().min(1).max(100),
  nameSyllabics: z.string().trim().min(1).max(100).optional(),
  /** 2 to 4 capital letters, unique across the program: every tag the site makes starts with it. */
  assetTagPrefix: z.string().regex(/^[A-Z]{2,4}$/, '2 to 4 capital letters A-Z'),
  timezone: TimeZone,
});
export type CreateSiteBody = z.infer<typeof CreateSiteBody>;

export const SiteEnvelope = z.object({ site: Site });
export const SiteList = z.object({ items: z.array(Site) });

/**
 * A list's `site=`: a site's code, or `all`. Admins and program officers see every site (the default) and may name
 * one; everyone else sees their own site's records only, and naming another site lists nothing (docs/domain.md §8).
 */
export const ListSite = z.union([z.literal('all'), SiteCode]).optional();
