/**
 * The little of the DOM that extraction uses, typed here: the project compiles without the DOM
 * library, so linkedom's and Readability's own types name DOM types that do not exist for it.
 */

/** Node types (DOM `nodeType`). */
export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

/** A node of linkedom's tree. */
export interface DomNode {
  readonly nodeType: number;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode>;
}

/** An element of linkedom's tree. */
export interface DomElement extends DomNode {
  /** Upper case for HTML elements ("P", "H2"). */
  readonly tagName: string;
  readonly children: ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  setAttribute(name: string, value: string): void;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
  remove(): void;
}

/** A document parsed by linkedom. */
export interface DomDocument {
  readonly documentElement: DomElement | null;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
}

/** Whether a node is an element. */
export function isElement(node: DomNode): node is DomElement {
  return node.nodeType === ELEMENT_NODE;
}

/** An element's tag in lower case. */
export function tag(el: DomElement): string {
  return el.tagName.toLowerCase();
}
