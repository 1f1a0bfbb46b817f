//! The products and services catalogue: the one input type the web form and the API
//! body share, judged once here, and the operations on it.

use fastfaktura_domain::{Decimal, VatCategory, totals::UNIT_PRICE_DECIMALS};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    Caller, Error,
    error::Result,
    fields::{FieldErrors, number, optional, required},
};
pub use crate::db::products::{Product, ProductFields};
use crate::{db, i18n::Tr, state::AppState};

/// A catalogue item as typed in the form or sent to the API (all text). Lenient: the
/// API refuses unknown fields with its strict JSON extractor.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default)]
pub struct ProductInput {
    pub name: String,
    pub unit: String,
    pub unit_price: String,
    pub vat_category: String,
    pub vat_rate: String,
}

impl ProductInput {
    /// A stored item as the form shows it, its numbers in the page's language (so that
    /// saving it again reads them back the same).
    pub fn of(product: &Product, t: &Tr) -> Self {
        let language = t.lang().locale();
        ProductInput {
            name: product.name.clone(),
            unit: product.unit.clone(),
            unit_price: fastfaktura_domain::locale::number(product.unit_price, language),
            vat_category: product.vat_category.clone(),
            vat_rate: fastfaktura_domain::locale::number(product.vat_rate, language),
        }
    }
}

/// Judges what was typed, with the errors in the caller's language.
pub fn judge(t: &Tr, input: &ProductInput) -> (ProductFields, FieldErrors) {
    let mut errors = FieldErrors::new(t);
    let vat_category = errors.check(
        "vat_category",
        &t.t("label-vat-category"),
        VatCategory::parse(&input.vat_category).map_err(|e| e.to_string()),
        VatCategory::Standard,
    );
    let fields = ProductFields {
        name: errors.check("name", &t.t("label-name"), required(t, &input.name, 200), input.name.clone()),
        unit: errors.check("unit", &t.t("label-unit"), optional(t, &input.unit, 20), input.unit.clone()),
        unit_price: errors.check(
            "unit_price",
            &t.t("label-price"),
            number(t, &input.unit_price, UNIT_PRICE_DECIMALS)
                .and_then(|p| if p < Decimal::ZERO { Err(t.t("form-not-negative")) } else { Ok(p) }),
            Decimal::ZERO,
        ),
        vat_rate: errors.check(
            "vat_rate",
            &t.t("label-vat-rate"),
            if input.vat_rate.trim().is_empty() { Ok(Decimal::ZERO) } else { number(t, &input.vat_rate, 2) }
                .and_then(|r| vat_category.check_rate(r).map(|()| r).map_err(|e| e.to_string())),
            Decimal::ZERO,
        ),
        vat_category: vat_category.code().to_owned(),
    };
    (fields, errors)
}

fn judged(t: &Tr, input: &ProductInput) -> Result<ProductFields> {
    let (fields, errors) = judge(t, input);
    if errors.is_empty() { Ok(fields) } else { Err(Error::Invalid(errors)) }
}

/// A page of the catalogue matching `search`.
pub async fn list_products(
    state: &AppState,
    caller: &Caller,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Product>> {
    let mut reads = super::reads(state, caller).await?;
    Ok(db::products::list(&mut *reads, caller.business_id, &super::fields::search_text(search), limit, offset).await?)
}

pub async fn find_product(state: &AppState, caller: &Caller, id: Uuid) -> Result<Product> {
    db::products::find(&state.db, caller.business_id, id).await?.ok_or(Error::NotFound)
}

pub async fn create_product(state: &AppState, caller: &Caller, t: &Tr, input: &ProductInput) -> Result<Product> {
    let fields = judged(t, input)?;
    let id = db::products::create(&state.db, caller.business_id, &fields, state.clock.now()).await?;
    find_product(state, caller, id).await
}

/// Replaces an item's fields; another business's id is "not found" first.
pub async fn update_product(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    id: Uuid,
    input: &ProductInput,
) -> Result<Product> {
    find_product(state, caller, id).await?;
    let fields = judged(t, input)?;
    db::products::update(&state.db, caller.business_id, id, &fields).await?;
    find_product(state, caller, id).await
}

/// Takes an item out of the catalogue (lines already written keep their text).
pub async fn archive_product(state: &AppState, caller: &Caller, id: Uuid) -> Result<()> {
    if db::products::archive(&state.db, caller.business_id, id, state.clock.now()).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}
