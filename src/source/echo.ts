// Messages quote what the user wrote (a name, a string, a key, an option); a 2 MB identifier or
// string must not come back whole. Everything user-written that a message echoes goes through here.

/** How much of one piece of user text a message shows. */
export const ECHO_LIMIT = 80;

/** `text` as a message shows it: its first 80 characters and an ellipsis when it is longer. */
export function echo(text: string): string {
  if (text.length <= ECHO_LIMIT) return text;
  let end = ECHO_LIMIT;
  // Never split a surrogate pair: the cut would leave half a character.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** A string value as a message quotes it: JSON-quoted, cut first. */
export function echoQuoted(text: string): string {
  return JSON.stringify(echo(text));
}

/**
 * The safety net for messages built from many parts: any run of more than 80 characters without a
 * space (an identifier, a key, a string's contents) is cut as `echo` cuts it.
 */
export function cutLongRuns(message: string): string {
  if (message.length <= ECHO_LIMIT) return message;
  return message.replace(/[^\s]{81,}/gu, (run) => {
    // Punctuation the message put after the quoted text stays: "Unknown name aaa…: it is".
    const tail = /[:;,.!?)\]'"]*$/.exec(run)![0];
    return echo(run.slice(0, run.length - tail.length)) + tail;
  });
}
