//! Adds the Factur-X XMP metadata to krilla's PDF/A-3b output.
//!
//! Factur-X 1.0 (and ZUGFeRD 2) readers identify a hybrid invoice by four `fx:`
//! properties in the document's XMP: DocumentType, DocumentFileName, Version and
//! ConformanceLevel. PDF/A requires every non-standard XMP property to be described by
//! a `pdfaExtension` schema. krilla 0.8 writes the XMP itself and has no API for custom
//! properties (krilla issue #209), so the finished PDF is loaded with lopdf, the XMP
//! text gets the `fx` description and the schema appended to krilla's own
//! `pdfaExtension:schemas` bag (a second bag would be invalid), and the file is saved
//! again as one revision. The metadata stream stays uncompressed, as PDF/A requires.

use lopdf::{Dictionary, Object, Stream};

const FX_NS: &str = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

/// The property descriptions as the Factur-X specification (and the `factur-x` library) words them.
const FX_PROPERTIES: [(&str, &str); 4] = [
    ("DocumentFileName", "The name of the embedded XML document"),
    ("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
    ("Version", "The actual version of the standard applying to the embedded XML document"),
    ("ConformanceLevel", "The conformance level of the embedded XML document"),
];

fn fx_schema() -> String {
    let mut li = String::from(
        "<rdf:li rdf:parseType=\"Resource\" xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
         xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\
         <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>",
    );
    li.push_str(&format!("<pdfaSchema:namespaceURI>{FX_NS}</pdfaSchema:namespaceURI>"));
    li.push_str("<pdfaSchema:prefix>fx</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq>");
    for (name, description) in FX_PROPERTIES {
        li.push_str(&format!(
            "<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{name}</pdfaProperty:name>\
             <pdfaProperty:valueType>Text</pdfaProperty:valueType>\
             <pdfaProperty:category>external</pdfaProperty:category>\
             <pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"
        ));
    }
    li.push_str("</rdf:Seq></pdfaSchema:property></rdf:li>");
    li
}

fn fx_description() -> String {
    format!(
        "<rdf:Description rdf:about=\"\" xmlns:fx=\"{FX_NS}\">\
         <fx:DocumentType>INVOICE</fx:DocumentType>\
         <fx:DocumentFileName>{}</fx:DocumentFileName>\
         <fx:Version>1.0</fx:Version>\
         <fx:ConformanceLevel>EN 16931</fx:ConformanceLevel></rdf:Description>",
        super::FACTURX_FILENAME
    )
}

/// Inserts the Factur-X properties and their extension schema into an XMP packet.
pub fn patch_xmp(xmp: &str) -> Result<String, String> {
    let rdf_end = xmp.rfind("</rdf:RDF>").ok_or("the XMP has no rdf:RDF element")?;
    let mut out = String::with_capacity(xmp.len() + 2048);
    if let Some(schemas) = xmp.find("<pdfaExtension:schemas>") {
        let bag_end = xmp[schemas..].find("</rdf:Bag>").ok_or("the extension schemas have no rdf:Bag")? + schemas;
        out.push_str(&xmp[..bag_end]);
        out.push_str(&fx_schema());
        out.push_str(&xmp[bag_end..rdf_end]);
    } else {
        out.push_str(&xmp[..rdf_end]);
        out.push_str(
            "<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\">\
             <pdfaExtension:schemas><rdf:Bag>",
        );
        out.push_str(&fx_schema());
        out.push_str("</rdf:Bag></pdfaExtension:schemas></rdf:Description>");
    }
    out.push_str(&fx_description());
    out.push_str(&xmp[rdf_end..]);
    Ok(out)
}

/// Rewrites `pdf` with the Factur-X XMP; everything else is kept as krilla wrote it.
pub fn add_facturx_xmp(pdf: &[u8]) -> Result<Vec<u8>, String> {
    let mut doc = lopdf::Document::load_mem(pdf).map_err(|e| e.to_string())?;
    let id = doc
        .catalog()
        .and_then(|c| c.get(b"Metadata"))
        .and_then(Object::as_reference)
        .map_err(|e| format!("no XMP metadata stream: {e}"))?;
    let stream = doc.get_object(id).and_then(Object::as_stream).map_err(|e| e.to_string())?;
    if stream.dict.has(b"Filter") {
        return Err("the XMP metadata stream is compressed".into());
    }
    let xmp = std::str::from_utf8(&stream.content).map_err(|e| format!("the XMP is not UTF-8: {e}"))?;
    let patched = patch_xmp(xmp)?;
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Metadata".to_vec()));
    dict.set("Subtype", Object::Name(b"XML".to_vec()));
    let new_stream = Stream::new(dict, patched.into_bytes()).with_compression(false);
    doc.objects.insert(id, Object::Stream(new_stream));
    let mut out = Vec::with_capacity(pdf.len() + 4096);
    doc.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_to_the_existing_bag_and_stays_well_formed() {
        let xmp = "<?xpacket begin=\"\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF \
                   xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" \
                   xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"><pdfaExtension:schemas><rdf:Bag>\
                   <rdf:li>existing</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description></rdf:RDF>\
                   </x:xmpmeta><?xpacket end=\"w\"?>";
        let patched = patch_xmp(xmp).unwrap();
        assert_eq!(patched.matches("<pdfaExtension:schemas>").count(), 1);
        assert!(patched.contains("<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>"));
        let parsed = roxmltree::Document::parse(&patched).unwrap();
        let bag = parsed.descendants().find(|n| n.has_tag_name("Bag")).unwrap();
        assert_eq!(bag.children().filter(|n| n.is_element()).count(), 2);
    }

    #[test]
    fn creates_the_bag_when_there_is_none() {
        let xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF \
                   xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"></rdf:RDF></x:xmpmeta>";
        let patched = patch_xmp(xmp).unwrap();
        roxmltree::Document::parse(&patched).unwrap();
        assert!(patched.contains("<pdfaSchema:prefix>fx</pdfaSchema:prefix>"));
    }
}
