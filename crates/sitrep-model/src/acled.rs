use serde::{Deserialize, Serialize};

/// Declares a closed vocabulary whose serialised spelling is fixed by an outside codebook.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in codebook order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in output.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the exact output spelling.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// ACLED's six event types.
    EventType {
        Battles => "Battles",
        ExplosionsRemoteViolence => "Explosions/Remote violence",
        ViolenceAgainstCivilians => "Violence against civilians",
        Protests => "Protests",
        Riots => "Riots",
        StrategicDevelopments => "Strategic developments",
    }
}

vocabulary! {
    /// ACLED's 25 sub-event types, spelled as in the ACLED codebook.
    SubEventType {
        ArmedClash => "Armed clash",
        GovernmentRegainsTerritory => "Government regains territory",
        NonStateActorOvertakesTerritory => "Non-state actor overtakes territory",
        ChemicalWeapon => "Chemical weapon",
        AirDroneStrike => "Air/drone strike",
        SuicideBomb => "Suicide bomb",
        ShellingArtilleryMissileAttack => "Shelling/artillery/missile attack",
        RemoteExplosiveLandmineIed => "Remote explosive/landmine/IED",
        Grenade => "Grenade",
        SexualViolence => "Sexual violence",
        Attack => "Attack",
        AbductionForcedDisappearance => "Abduction/forced disappearance",
        PeacefulProtest => "Peaceful protest",
        ProtestWithIntervention => "Protest with intervention",
        ExcessiveForceAgainstProtesters => "Excessive force against protesters",
        ViolentDemonstration => "Violent demonstration",
        MobViolence => "Mob violence",
        Agreement => "Agreement",
        Arrests => "Arrests",
        ChangeToGroupActivity => "Change to group/activity",
        DisruptedWeaponsUse => "Disrupted weapons use",
        HeadquartersOrBaseEstablished => "Headquarters or base established",
        LootingPropertyDestruction => "Looting/property destruction",
        NonViolentTransferOfTerritory => "Non-violent transfer of territory",
        Other => "Other",
    }
}

vocabulary! {
    /// PLOVER event categories (v0.5 and the earlier FIGHT/DEMAND/DISAPPROVE/INVESTIGATE).
    Plover {
        Agree => "AGREE",
        Consult => "CONSULT",
        Support => "SUPPORT",
        Concede => "CONCEDE",
        Cooperate => "COOPERATE",
        Aid => "AID",
        Retreat => "RETREAT",
        Request => "REQUEST",
        Demand => "DEMAND",
        Accuse => "ACCUSE",
        Disapprove => "DISAPPROVE",
        Reject => "REJECT",
        Threaten => "THREATEN",
        Protest => "PROTEST",
        Sanction => "SANCTION",
        Investigate => "INVESTIGATE",
        Mobilize => "MOBILIZE",
        Coerce => "COERCE",
        Fight => "FIGHT",
        Assault => "ASSAULT",
    }
}

impl SubEventType {
    /// The event type a sub-event type belongs to.
    pub const fn event_type(self) -> EventType {
        use SubEventType as S;
        match self {
            S::ArmedClash | S::GovernmentRegainsTerritory | S::NonStateActorOvertakesTerritory => {
                EventType::Battles
            }
            S::ChemicalWeapon
            | S::AirDroneStrike
            | S::SuicideBomb
            | S::ShellingArtilleryMissileAttack
            | S::RemoteExplosiveLandmineIed
            | S::Grenade => EventType::ExplosionsRemoteViolence,
            S::SexualViolence | S::Attack | S::AbductionForcedDisappearance => {
                EventType::ViolenceAgainstCivilians
            }
            S::PeacefulProtest
            | S::ProtestWithIntervention
            | S::ExcessiveForceAgainstProtesters => EventType::Protests,
            S::ViolentDemonstration | S::MobViolence => EventType::Riots,
            S::Agreement
            | S::Arrests
            | S::ChangeToGroupActivity
            | S::DisruptedWeaponsUse
            | S::HeadquartersOrBaseEstablished
            | S::LootingPropertyDestruction
            | S::NonViolentTransferOfTerritory
            | S::Other => EventType::StrategicDevelopments,
        }
    }

    /// Whether the sub-event type is political violence (ACLED's first four types).
    pub const fn is_violent(self) -> bool {
        matches!(
            self.event_type(),
            EventType::Battles
                | EventType::ExplosionsRemoteViolence
                | EventType::ViolenceAgainstCivilians
        )
    }

    /// Whether the event changes who holds a place.
    pub const fn transfers_territory(self) -> bool {
        matches!(
            self,
            SubEventType::GovernmentRegainsTerritory
                | SubEventType::NonStateActorOvertakesTerritory
                | SubEventType::NonViolentTransferOfTerritory
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_five_sub_event_types_in_six_types() {
        assert_eq!(SubEventType::ALL.len(), 25);
        assert_eq!(EventType::ALL.len(), 6);
        for t in EventType::ALL {
            assert!(
                SubEventType::ALL.iter().any(|s| s.event_type() == *t),
                "{t} has no sub-event type"
            );
        }
    }

    #[test]
    fn spellings_round_trip_through_json() {
        for s in SubEventType::ALL {
            let json = serde_json::to_string(s).expect("serialise");
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(SubEventType::parse(s.as_str()), Some(*s));
        }
        assert_eq!(
            serde_json::to_string(&EventType::ExplosionsRemoteViolence).expect("serialise"),
            "\"Explosions/Remote violence\""
        );
    }
}
