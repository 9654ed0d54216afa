//! HTML to a dom_query tree without keeping html5ever's parse errors.
//!
//! html5ever reports an error for almost every byte of some broken markup (a megabyte of
//! `<` is a million of them), and dom_query's own sink keeps each one as a string inside the
//! document, which Readability then clones for each of its attempts: 1 MB of `<` cost ~180 MB.
//! [`QuietSink`] hands every tree operation to dom_query's sink unchanged and drops the
//! errors, so a page costs its tree and nothing for its mistakes. Nothing here reads the
//! errors, and the tree is the one `Document::from` / `Document::fragment` would build.

use std::borrow::Cow;

use dom_query::Document;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tokenizer::TokenizerOpts;
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeBuilderOpts, TreeSink};
use html5ever::{Attribute, ParseOpts, QualName, local_name, ns};

/// A whole page, parsed as `Document::from` does (scripting off).
pub(super) fn parse_page(markup: &str) -> Document {
    let opts = ParseOpts {
        tokenizer: TokenizerOpts::default(),
        tree_builder: TreeBuilderOpts {
            scripting_enabled: false,
            ..TreeBuilderOpts::default()
        },
    };
    html5ever::parse_document(QuietSink(Document::default()), opts).one(markup)
}

/// A fragment in a `<body>` context, parsed as `Document::fragment` does.
pub(super) fn parse_fragment(markup: &str) -> Document {
    let opts = ParseOpts {
        tokenizer: TokenizerOpts::default(),
        tree_builder: TreeBuilderOpts {
            scripting_enabled: false,
            drop_doctype: true,
            ..TreeBuilderOpts::default()
        },
    };
    let body = QualName::new(None, ns!(html), local_name!("body"));
    html5ever::parse_fragment(
        QuietSink(Document::fragment_sink()),
        opts,
        body,
        Vec::new(),
        false,
    )
    .one(StrTendril::from(markup))
}

/// dom_query's sink, minus the error list.
struct QuietSink(Document);

impl TreeSink for QuietSink {
    type Handle = <Document as TreeSink>::Handle;
    type Output = Document;
    type ElemName<'a> = <Document as TreeSink>::ElemName<'a>;

    fn finish(self) -> Document {
        self.0.finish()
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Self::Handle {
        self.0.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a Self::Handle) -> Self::ElemName<'a> {
        self.0.elem_name(target)
    }

    fn create_element(
        &self,
        name: QualName,
        attrs: Vec<Attribute>,
        flags: ElementFlags,
    ) -> Self::Handle {
        self.0.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> Self::Handle {
        self.0.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Self::Handle {
        self.0.create_pi(target, data)
    }

    fn append(&self, parent: &Self::Handle, child: NodeOrText<Self::Handle>) {
        self.0.append(parent, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &Self::Handle,
        prev_element: &Self::Handle,
        child: NodeOrText<Self::Handle>,
    ) {
        self.0
            .append_based_on_parent_node(element, prev_element, child);
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.0
            .append_doctype_to_document(name, public_id, system_id);
    }

    fn mark_script_already_started(&self, node: &Self::Handle) {
        self.0.mark_script_already_started(node);
    }

    fn pop(&self, node: &Self::Handle) {
        self.0.pop(node);
    }

    fn get_template_contents(&self, target: &Self::Handle) -> Self::Handle {
        self.0.get_template_contents(target)
    }

    fn same_node(&self, x: &Self::Handle, y: &Self::Handle) -> bool {
        self.0.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.0.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &Self::Handle, new_node: NodeOrText<Self::Handle>) {
        self.0.append_before_sibling(sibling, new_node);
    }

    fn add_attrs_if_missing(&self, target: &Self::Handle, attrs: Vec<Attribute>) {
        self.0.add_attrs_if_missing(target, attrs);
    }

    fn associate_with_form(
        &self,
        target: &Self::Handle,
        form: &Self::Handle,
        nodes: (&Self::Handle, Option<&Self::Handle>),
    ) {
        self.0.associate_with_form(target, form, nodes);
    }

    fn remove_from_parent(&self, target: &Self::Handle) {
        self.0.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &Self::Handle, new_parent: &Self::Handle) {
        self.0.reparent_children(node, new_parent);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Self::Handle) -> bool {
        self.0.is_mathml_annotation_xml_integration_point(handle)
    }

    fn set_current_line(&self, line_number: u64) {
        self.0.set_current_line(line_number);
    }

    fn allow_declarative_shadow_roots(&self, intended_parent: &Self::Handle) -> bool {
        self.0.allow_declarative_shadow_roots(intended_parent)
    }

    fn attach_declarative_shadow(
        &self,
        location: &Self::Handle,
        template: &Self::Handle,
        attrs: &[Attribute],
    ) -> bool {
        self.0.attach_declarative_shadow(location, template, attrs)
    }

    fn maybe_clone_an_option_into_selectedcontent(&self, option: &Self::Handle) {
        self.0.maybe_clone_an_option_into_selectedcontent(option);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quiet parse builds the tree dom_query builds, and keeps no errors.
    #[test]
    fn same_tree_as_dom_query_without_the_errors() {
        let pages = [
            "<html><head><title>T</title></head><body><p>Qaim <b>fell</b><p>Rawa</body></html>",
            "<table><tr><td>a<td>b</table><div><<<<< x </div><select><option>o</select>",
            "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
            "<!DOCTYPE html><template><p>t</p></template><math><mi>x</mi></math>",
            "<form><p>in form<table><tr><td><input></table></form><frameset>",
        ];
        for page in pages {
            let quiet = parse_page(page);
            let full = Document::from(page);
            assert_eq!(quiet.html(), full.html(), "{page}");
            assert!(quiet.errors.borrow().is_empty(), "{page}");
            let quiet = parse_fragment(page);
            let full = Document::fragment(page);
            assert_eq!(quiet.html(), full.html(), "{page}");
        }
        assert!(!Document::from("<<<").errors.borrow().is_empty());
    }
}
