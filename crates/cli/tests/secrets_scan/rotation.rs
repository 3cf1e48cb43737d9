//! The connector settings' webhook secret rotation: every system's settings read, then for
//! each system that takes Standard Webhooks a new secret made by Storelink (shown once, in
//! the rotation's reply), deliveries signed with the new one and with the old one during the
//! grace period (both accepted), the grace ended, and the old one refused after it.

use storelink_core::Actor;
use storelink_service::Services;

use super::fleet::{Fleet, Planted};
use super::flows::Captured;
use super::wire::{takes_webhooks, Wire};

/// What the rotations did, and where each new secret may be seen: `(place, label)`.
#[derive(Default)]
pub struct Rotations {
    pub shown_once: Vec<(String, String)>,
    pub settings_read: usize,
    pub new_accepted: usize,
    pub old_accepted_in_grace: usize,
    pub old_refused_after: usize,
}

fn accepted(status: u16) -> bool {
    (200..300).contains(&status)
}

pub async fn rotate(
    w: &Wire,
    s: &Services,
    admin: &Actor,
    fleet: &mut Fleet,
    p: &mut Planted,
    c: &mut Captured,
) -> Rotations {
    let mut r = Rotations::default();
    let mut n = 10_000;
    let mut next = || {
        n += 1;
        n
    };
    for made in &mut fleet.systems {
        let id = made.id.to_string();
        let at = format!("{}/{}", made.system_type, made.provider);
        let spec = s.connector_settings(admin, &id).await;
        c.keep(&format!("connector settings {at}"), &spec);
        r.settings_read += 1;
        if !takes_webhooks(&made.system_type, &made.provider) {
            continue;
        }
        assert!(
            spec.as_ref()
                .is_ok_and(|s| s.webhook.has_secret && !s.webhook.in_grace),
            "{at} before rotation: {:?}",
            spec.map(|s| s.webhook)
        );
        let place = format!("rotate {at}");
        let rotated = s.rotate_webhook_secret(admin, &id).await;
        c.keep(&place, &rotated);
        let rotated = rotated.expect("rotate");
        assert!(rotated.previous_kept, "{at}: the old secret is kept");
        let label = format!("{}_{}-rotation", made.system_type, made.provider);
        p.add(&label, &rotated.secret);
        r.shown_once.push((place, label));

        let spec = s.connector_settings(admin, &id).await;
        c.keep(&format!("connector settings in grace {at}"), &spec);
        assert!(
            spec.as_ref().is_ok_and(|s| s.webhook.in_grace),
            "{at} in grace: {:?}",
            spec.map(|s| s.webhook)
        );
        let (old, new) = (made.webhook_secret.clone(), rotated.secret.clone());
        let channel = made.system_type.clone();
        let status = w
            .deliver("rotation new: ", &channel, &id, &new, next(), c)
            .await;
        assert!(
            accepted(status),
            "{at}: signed with the new secret: {status}"
        );
        r.new_accepted += 1;
        let status = w
            .deliver("rotation old in grace: ", &channel, &id, &old, next(), c)
            .await;
        assert!(accepted(status), "{at}: the old secret in grace: {status}");
        r.old_accepted_in_grace += 1;

        c.keep(
            &format!("end grace {at}"),
            &s.end_webhook_secret_grace(admin, &id).await,
        );
        let spec = s.connector_settings(admin, &id).await;
        c.keep(&format!("connector settings after grace {at}"), &spec);
        assert!(
            spec.as_ref()
                .is_ok_and(|s| s.webhook.has_secret && !s.webhook.in_grace),
            "{at} after grace: {:?}",
            spec.map(|s| s.webhook)
        );
        let status = w
            .deliver("rotation old after grace: ", &channel, &id, &old, next(), c)
            .await;
        assert_eq!(status, 401, "{at}: the old secret after the grace");
        r.old_refused_after += 1;
        let status = w
            .deliver("rotation new after grace: ", &channel, &id, &new, next(), c)
            .await;
        assert!(
            accepted(status),
            "{at}: the new secret after grace: {status}"
        );
        r.new_accepted += 1;
        made.webhook_secret = new;
    }
    r
}
