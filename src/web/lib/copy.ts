// Copy a value to the clipboard, from a read-only text area that shows it: the clipboard API where
// the page has it, else (plain http, where browsers withhold it) the text area's selection.
// `copied` is true for two seconds after a copy, for the button to say so.
import { useRef, useState } from 'react';

export function useCopy(value: string) {
  const box = useRef<HTMLTextAreaElement>(null);
  const [copied, setCopied] = useState(false);
  const done = () => { setCopied(true); setTimeout(() => setCopied(false), 2000); };
  const copy = () => {
    const bySelection = () => { box.current?.select(); if (document.execCommand('copy')) done(); };
    if (navigator.clipboard) void navigator.clipboard.writeText(value).then(done, bySelection);
    else bySelection();
  };
  return { box, copied, copy };
}
