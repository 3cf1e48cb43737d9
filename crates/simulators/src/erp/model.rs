//! The records as the simulator keeps them: vendor fields in fixed point, without id,
//! `updated_at` and version (those live in the table).

/// A customer's fields, without id, `updated_at` and version (those live in the table).
#[derive(Debug, Clone)]
pub(crate) struct Customer {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub email: String,
    pub address: String,
    pub city: String,
    pub province: String,
    pub tax_number: String,
    pub credit_limit_fen: i64,
    pub status: String,
}

impl Customer {
    /// An active customer with only a code and a kind: what every simulator's create
    /// starts from before applying the request's fields.
    pub(crate) fn blank(code: String, kind: &str) -> Customer {
        Customer {
            code,
            name: String::new(),
            kind: kind.to_owned(),
            contact_name: String::new(),
            contact_phone: String::new(),
            email: String::new(),
            address: String::new(),
            city: String::new(),
            province: String::new(),
            tax_number: String::new(),
            credit_limit_fen: 0,
            status: "active".to_owned(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Product {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub category_id: String,
    pub category_name: String,
    pub price_fen: i64,
    pub cost_fen: i64,
    pub currency: String,
    pub unit: String,
    pub tax_rate: String,
    pub status: String,
    pub quantity_milli: i64,
    pub warehouse: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub quantity_milli: i64,
    pub unit_price_fen: i64,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Pending,
    Confirmed,
    Shipped,
    Delivered,
    Cancelled,
}

impl Status {
    pub(crate) const ALL: [Status; 5] = [
        Status::Pending,
        Status::Confirmed,
        Status::Shipped,
        Status::Delivered,
        Status::Cancelled,
    ];

    pub(crate) fn code(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Confirmed => "confirmed",
            Status::Shipped => "shipped",
            Status::Delivered => "delivered",
            Status::Cancelled => "cancelled",
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Status::Pending => "待确认",
            Status::Confirmed => "已确认",
            Status::Shipped => "已发货",
            Status::Delivered => "已送达",
            Status::Cancelled => "已取消",
        }
    }

    pub(crate) fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// pending → confirmed → shipped → delivered; cancelled from any non-final status.
    pub(crate) fn can_move_to(self, next: Status) -> bool {
        matches!(
            (self, next),
            (Status::Pending, Status::Confirmed)
                | (Status::Confirmed, Status::Shipped)
                | (Status::Shipped, Status::Delivered)
                | (
                    Status::Pending | Status::Confirmed | Status::Shipped,
                    Status::Cancelled
                )
        )
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub status: Status,
    pub at_ms: i64,
    pub notes: String,
}

impl Step {
    /// The timeline of an order created at `at_ms` through an API: pending, with the
    /// note every simulator gives that status.
    pub(crate) fn created(at_ms: i64) -> Vec<Step> {
        vec![Step {
            status: Status::Pending,
            at_ms,
            notes: step_note(Status::Pending).to_owned(),
        }]
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub order_number: String,
    pub kind: String,
    pub customer_id: String,
    pub customer_name: String,
    pub status: Status,
    pub currency: String,
    pub items: Vec<Item>,
    pub created_ms: i64,
    pub timeline: Vec<Step>,
    pub reference: Option<String>,
}

impl Order {
    pub(crate) fn total_fen(&self) -> i64 {
        self.items.iter().map(|i| i.amount_fen).sum()
    }
}

pub(crate) fn step_note(s: Status) -> &'static str {
    match s {
        Status::Pending => "订单已创建",
        Status::Confirmed => "订单已确认",
        Status::Shipped => "订单已发货",
        Status::Delivered => "订单已送达",
        Status::Cancelled => "订单已取消",
    }
}
