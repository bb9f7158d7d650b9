//! Feed parsing (RSS, Atom, RDF, JSON Feed) into our own types, and feed discovery from a web page.
