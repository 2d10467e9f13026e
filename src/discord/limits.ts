/**
 * Discord's limits, in one place. Every reply is cut to fit these before it is sent.
 * https://discord.com/developers/docs/resources/message#create-message,
 * https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 */
export const LIMITS = {
  /** Message content. */
  content: 2000,
  /** Embed title. */
  embedTitle: 256,
  /** Embed description. */
  embedDescription: 4096,
  /** Embed field name / value. */
  fieldName: 256,
  fieldValue: 1024,
  /** Embed footer text and author name. */
  footerText: 2048,
  authorName: 256,
  /** Fields per embed. */
  fields: 25,
  /** Embeds per message. */
  embeds: 10,
  /** Sum of all embed text in one message. */
  embedTotal: 6000,
  /** Autocomplete choices per response. */
  choices: 25,
  /** Choice name and string value. */
  choiceName: 100,
  choiceValue: 100,
  /** Component custom_id. */
  customId: 100,
  /** Button label. */
  buttonLabel: 80,
  /** A string select menu's options, and each option's label, description and value. */
  selectOptions: 25,
  selectOptionLabel: 100,
  selectOptionDescription: 100,
  selectOptionValue: 100,
  /** A select menu's placeholder. */
  selectPlaceholder: 150,
  /** A link button's url (also the longest url citebot puts in an embed or a Markdown link). */
  linkUrl: 512,
  /** Buttons per action row, rows per message. */
  buttonsPerRow: 5,
  rows: 5,
  /** How long an interaction token stays valid (ms): follow-ups and edits fail after it. */
  interactionTokenMs: 15 * 60 * 1000,
  /** How long Discord waits for the first response to an interaction (ms). */
  initialResponseMs: 3000,
} as const;

/** Interaction response flag: only the user who invoked sees it. */
export const EPHEMERAL = 64;
