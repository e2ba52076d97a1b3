/** Reading one record for a page: fetched when the page opens (again when the path changes), an answer that comes after the page moved on is dropped. */
import { useEffect, useState } from 'preact/hooks';
import { get } from './state.js';
import { reasonOf } from './ui.js';

/** The record `pick` takes from the answer of GET `path`, a setter for the page's own changes to it, and the refusal in words. */
export function useRead<A, T>(path: string, pick: (answer: A) => T): [T | null, (value: T) => void, string | null] {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    get<A>(path).then(
      (answer) => live && setValue(pick(answer)),
      (err: unknown) => live && setError(reasonOf(err)),
    );
    return () => {
      live = false;
    };
  }, [path]);
  return [value, setValue, error];
}
